import { DomainError } from '../errors.js';

/** Binary labels and predicted P(y = 1), same length; every metric checks them the same way. */
function checkInputs(yTrue: ArrayLike<number>, scores: ArrayLike<number>, context: string): void {
  if (yTrue.length !== scores.length)
    throw DomainError.invalid(`${context}: ${yTrue.length} labels but ${scores.length} scores`);
  if (yTrue.length === 0) throw DomainError.invalid(`${context}: no rows`);
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1)
      throw DomainError.invalid(`${context}: label ${i} is ${yTrue[i]}; expected 0 or 1`);
    if (!Number.isFinite(scores[i]))
      throw DomainError.invalid(`${context}: score ${i} is ${scores[i]}`);
  }
}

/** Row indices by descending score (ties keep index order, so results are deterministic). */
function byDescendingScore(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Area under the ROC curve, tie-aware: tied scores count half (the Mann–Whitney statistic,
 * equal to scikit-learn's roc_auc_score). Throws when only one class is present.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkInputs(yTrue, scores, 'rocAuc');
  const order = byDescendingScore(scores);
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) throw DomainError.invalid('rocAuc: needs both classes');
  // Walk groups of tied scores from the top; each negative in a group is outranked by the
  // positives above the group and ties with half of the positives inside it.
  let positivesAbove = 0;
  let pairs = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (yTrue[order[end]] === 1) groupPositives++;
      else groupNegatives++;
      end++;
    }
    pairs += groupNegatives * (positivesAbove + groupPositives / 2);
    positivesAbove += groupPositives;
    start = end;
  }
  return pairs / (positives * negatives);
}

/**
 * Average precision (area under the precision–recall curve as scikit-learn computes it):
 * Σ (Rₙ − Rₙ₋₁) · Pₙ over the distinct score thresholds, highest first.
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkInputs(yTrue, scores, 'averagePrecision');
  const order = byDescendingScore(scores);
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
  if (positives === 0) throw DomainError.invalid('averagePrecision: needs at least one positive');
  let truePositives = 0;
  let predicted = 0;
  let previousRecall = 0;
  let area = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      truePositives += yTrue[order[end]];
      end++;
    }
    predicted = end;
    const recall = truePositives / positives;
    area += (recall - previousRecall) * (truePositives / predicted);
    previousRecall = recall;
    start = end;
  }
  return area;
}

/** Mean log-loss with probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkInputs(yTrue, probabilities, 'logLoss');
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(probabilities[i], 1e-15), 1 - 1e-15);
    sum -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / yTrue.length;
}

/** Mean squared difference between probability and label. */
export function brierScore(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkInputs(yTrue, probabilities, 'brierScore');
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (probabilities[i] - yTrue[i]) ** 2;
  return sum / yTrue.length;
}

export interface ConfusionMatrix {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/** Counts at a threshold: a row is predicted positive when its probability is ≥ threshold. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): ConfusionMatrix {
  checkInputs(yTrue, probabilities, 'confusionMatrix');
  const counts = { truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const predicted = probabilities[i] >= threshold;
    if (yTrue[i] === 1) {
      if (predicted) counts.truePositives++;
      else counts.falseNegatives++;
    } else if (predicted) counts.falsePositives++;
    else counts.trueNegatives++;
  }
  return counts;
}

/** Accuracy, precision, recall and F1 of a confusion matrix (0 where a ratio is 0/0, as scikit-learn's zero_division=0). */
export function thresholdMetrics(counts: ConfusionMatrix): {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
} {
  const { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn } = counts;
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision,
    recall,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

export const accuracy = (y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): number =>
  thresholdMetrics(confusionMatrix(y, p, threshold)).accuracy;
export const precision = (y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): number =>
  thresholdMetrics(confusionMatrix(y, p, threshold)).precision;
export const recall = (y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): number =>
  thresholdMetrics(confusionMatrix(y, p, threshold)).recall;
export const f1Score = (y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): number =>
  thresholdMetrics(confusionMatrix(y, p, threshold)).f1;

export interface CalibrationBin {
  /** Bin bounds on the predicted probability: [lower, upper), the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  fractionPositive: number;
}

/** Reliability diagram data: equal-width probability bins; empty bins are omitted. */
export function calibrationBins(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  checkInputs(yTrue, probabilities, 'calibrationBins');
  if (!Number.isInteger(bins) || bins < 1)
    throw DomainError.invalid(`calibrationBins: bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const positive = new Float64Array(bins);
  for (let i = 0; i < yTrue.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i] * bins)));
    count[b]++;
    predicted[b] += probabilities[i];
    positive[b] += yTrue[i];
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      meanPredicted: predicted[b] / count[b],
      fractionPositive: positive[b] / count[b],
    });
  }
  return out;
}

/** How to turn probabilities into decisions. */
export type ThresholdStrategy =
  | { kind: 'fixed'; threshold: number }
  | { kind: 'max-f1' }
  /** The highest threshold whose recall reaches the target (the fewest false alarms for it). */
  | { kind: 'target-recall'; recall: number };

/**
 * Picks a decision threshold. Candidates are the distinct predicted probabilities (a row is
 * positive when p ≥ threshold); ties in F1 go to the higher threshold.
 */
export function chooseThreshold(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  strategy: ThresholdStrategy,
): number {
  switch (strategy.kind) {
    case 'fixed':
      if (!(strategy.threshold >= 0 && strategy.threshold <= 1))
        throw DomainError.invalid(`threshold must be in [0, 1], got ${strategy.threshold}`);
      return strategy.threshold;
    case 'max-f1':
    case 'target-recall': {
      checkInputs(yTrue, probabilities, 'chooseThreshold');
      if (strategy.kind === 'target-recall' && !(strategy.recall > 0 && strategy.recall <= 1)) {
        throw DomainError.invalid(`target recall must be in (0, 1], got ${strategy.recall}`);
      }
      const order = byDescendingScore(probabilities);
      let positives = 0;
      for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
      if (positives === 0)
        throw DomainError.invalid('chooseThreshold: needs at least one positive');
      let truePositives = 0;
      let bestThreshold = probabilities[order[0]];
      let bestF1 = -1;
      for (let start = 0; start < order.length;) {
        let end = start;
        const threshold = probabilities[order[start]];
        while (end < order.length && probabilities[order[end]] === threshold)
          truePositives += yTrue[order[end++]];
        if (strategy.kind === 'target-recall') {
          if (truePositives / positives >= strategy.recall) return threshold;
        } else {
          const f1 = (2 * truePositives) / (end + positives);
          if (f1 > bestF1) {
            bestF1 = f1;
            bestThreshold = threshold;
          }
        }
        start = end;
      }
      return bestThreshold;
    }
  }
}

/** The usual set of binary-classification metrics at one threshold. */
export interface ClassificationReport {
  rows: number;
  positives: number;
  /** null when the slice holds a single class. */
  rocAuc: number | null;
  averagePrecision: number | null;
  logLoss: number;
  brier: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: ConfusionMatrix;
}

/** Every metric above for one set of predictions. */
export function classificationReport(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): ClassificationReport {
  checkInputs(yTrue, probabilities, 'classificationReport');
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
  const bothClasses = positives > 0 && positives < yTrue.length;
  const confusion = confusionMatrix(yTrue, probabilities, threshold);
  return {
    rows: yTrue.length,
    positives,
    rocAuc: bothClasses ? rocAuc(yTrue, probabilities) : null,
    averagePrecision: positives > 0 ? averagePrecision(yTrue, probabilities) : null,
    logLoss: logLoss(yTrue, probabilities),
    brier: brierScore(yTrue, probabilities),
    threshold,
    ...thresholdMetrics(confusion),
    confusion,
  };
}

/**
 * Metrics per slice (e.g. by gender, age band, degree level), to see whether the model is
 * worse for some group. Slices come out sorted by key.
 */
export function sliceMetrics<T>(
  items: readonly T[],
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  keyOf: (item: T) => string,
  threshold = 0.5,
): Map<string, ClassificationReport> {
  if (items.length !== yTrue.length)
    throw DomainError.invalid(`sliceMetrics: ${items.length} items but ${yTrue.length} labels`);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  });
  const out = new Map<string, ClassificationReport>();
  for (const key of [...groups.keys()].sort()) {
    const rows = groups.get(key)!;
    out.set(
      key,
      classificationReport(
        rows.map((i) => yTrue[i]),
        rows.map((i) => probabilities[i]),
        threshold,
      ),
    );
  }
  return out;
}

/** Age bands for slicing: under-18, 18-21, 22-25, 26-29, 30-34, 35+. */
export function ageBand(age: number): string {
  if (!Number.isFinite(age)) throw DomainError.invalid(`ageBand: age is ${age}`);
  if (age < 18) return 'under-18';
  if (age < 22) return '18-21';
  if (age < 26) return '22-25';
  if (age < 30) return '26-29';
  if (age < 35) return '30-34';
  return '35+';
}

export type DegreeLevel = 'school' | 'bachelor' | 'master' | 'doctorate' | 'other';

const BACHELOR_EXCEPTIONS = new Set(['MBBS', 'BHM', 'BE', 'LLB']);
const MASTER_EXCEPTIONS = new Set(['MD', 'LLM', 'ME', 'MHM']);

/**
 * The level of a degree name: `Class 12` → school; B… (and MBBS, LLB, BHM, BE) → bachelor;
 * M… (and MD, LLM, ME, MHM) → master; PhD → doctorate; anything else → other. MBBS is checked
 * before the M… rule because it is a bachelor's degree.
 */
export function degreeLevel(degree: string): DegreeLevel {
  const name = degree.trim();
  if (name === 'Class 12') return 'school';
  if (name === 'PhD') return 'doctorate';
  if (BACHELOR_EXCEPTIONS.has(name)) return 'bachelor';
  if (MASTER_EXCEPTIONS.has(name)) return 'master';
  if (/^B[.A-Z]/.test(name)) return 'bachelor';
  if (/^M[.A-Z]/.test(name)) return 'master';
  return 'other';
}
