import type { Respondent } from '../data/record.js';
import type { ServingSettings } from './settings.js';
import type { LoggedPrediction } from './prediction-log-repository.js';
import type { ServingModel } from './serving-model.js';
import {
  delongPairedTest,
  mcnemarTest,
  populationStabilityIndex,
  quantile,
  type McNemarTest,
  type PairedAucTest,
} from './statistics.js';
import type { RolloutOutcome } from './tables.js';

export type AnalysisThresholds = ServingSettings['rollout'];

/** The result of judging one step: the outcome, why, and the numbers behind it. */
export interface StepVerdict {
  outcome: RolloutOutcome;
  reasons: string[];
  metrics: AnalysisMetrics;
}

interface ArmMetrics {
  requests: number;
  errors: number;
  errorRate: number;
  p99LatencyMs: number | null;
}

export interface AnalysisMetrics {
  champion: ArmMetrics;
  challenger: ArmMetrics;
  /** Distinct requests both versions were compared on (re-scored from the logged inputs). */
  compared: number;
  disagreement: number | null;
  scorePsi: number | null;
  labelled: number;
  positives: number;
  auc: PairedAucTest | null;
  accuracy: McNemarTest | null;
}

/**
 * Judges a rollout step from its window of the prediction log. Both versions are re-scored
 * on the logged inputs, so disagreement, score shift and ROC-AUC/accuracy are *paired*
 * comparisons on the same requests (a fairer and more powerful test than comparing the two
 * arms' different traffic); error rate and p99 latency come from what each arm really served.
 *
 * Rules, in order: too few challenger predictions → inconclusive; more errors or a slower
 * p99 → rollback; with enough labels, a significantly or materially worse ROC-AUC or
 * accuracy → rollback; large disagreement or score shift without labels to settle it →
 * inconclusive; otherwise continue, or promote at the last step (which by default needs the
 * label comparison).
 */
export function judgeStep(input: {
  window: readonly LoggedPrediction[];
  mode: 'canary' | 'shadow';
  champion: ServingModel;
  challenger: ServingModel;
  finalStep: boolean;
  thresholds: AnalysisThresholds;
}): StepVerdict {
  const { window, champion, challenger, thresholds: t } = input;
  const championRows = window.filter((row) => row.route === 'champion');
  const challengerRows = window.filter((row) => row.route !== 'champion');
  const metrics: AnalysisMetrics = {
    champion: armMetrics(championRows),
    challenger: armMetrics(challengerRows),
    compared: 0,
    disagreement: null,
    scorePsi: null,
    labelled: 0,
    positives: 0,
    auc: null,
    accuracy: null,
  };
  const reasons: string[] = [];
  const verdict = (outcome: RolloutOutcome): StepVerdict => ({ outcome, reasons, metrics });

  if (metrics.challenger.requests < t.minSamples) {
    reasons.push(
      `only ${metrics.challenger.requests} challenger predictions in this step; at least ${t.minSamples} are needed to judge it`,
    );
    return verdict('inconclusive');
  }

  // Safety first: these need no labels.
  const errorIncrease = metrics.challenger.errorRate - metrics.champion.errorRate;
  if (errorIncrease > t.maxErrorRateIncrease) {
    reasons.push(
      `challenger error rate ${pct(metrics.challenger.errorRate)} vs champion ${pct(metrics.champion.errorRate)} (allowed increase ${pct(t.maxErrorRateIncrease)})`,
    );
  }
  const p99Champion = metrics.champion.p99LatencyMs;
  const p99Challenger = metrics.challenger.p99LatencyMs;
  if (p99Champion !== null && p99Challenger !== null) {
    const limit = Math.max(p99Champion * t.maxP99LatencyRatio, p99Champion + t.p99LatencySlackMs);
    if (p99Challenger > limit) {
      reasons.push(
        `challenger p99 scoring latency ${p99Challenger.toFixed(3)} ms exceeds ${limit.toFixed(3)} ms (champion ${p99Champion.toFixed(3)} ms)`,
      );
    }
  }
  if (reasons.length > 0) return verdict('rollback');

  // Paired comparison on the distinct requests of the window.
  const rows = input.mode === 'shadow' ? championRows : window;
  const compared = rows.filter(
    (row): row is LoggedPrediction & { inputs: Respondent } =>
      row.error === null && row.inputs !== null,
  );
  metrics.compared = compared.length;
  if (compared.length > 0) {
    const inputs = compared.map((row) => row.inputs);
    const a = Array.from(champion.loaded.pipeline.predictProba(inputs));
    const b = Array.from(challenger.loaded.pipeline.predictProba(inputs));
    const labelA = a.map((p) => (p >= champion.threshold ? 1 : 0));
    const labelB = b.map((p) => (p >= challenger.threshold ? 1 : 0));
    let disagree = 0;
    for (let i = 0; i < a.length; i++) if (labelA[i] !== labelB[i]) disagree++;
    metrics.disagreement = disagree / a.length;
    metrics.scorePsi = populationStabilityIndex(a, b);

    const labelled = compared.flatMap((row, i) =>
      row.label === null ? [] : [{ y: row.label, i }],
    );
    const y = labelled.map((row) => row.y);
    metrics.labelled = y.length;
    metrics.positives = y.filter((label) => label === 1).length;
    const negatives = y.length - metrics.positives;
    if (y.length >= t.minLabelled && Math.min(metrics.positives, negatives) >= t.minPerClass) {
      const pick = <T>(values: T[]) => labelled.map((row) => values[row.i]);
      metrics.auc = delongPairedTest(y, pick(a), pick(b));
      metrics.accuracy = mcnemarTest(y, pick(labelA), pick(labelB));
    }
  }

  if (metrics.auc && metrics.accuracy) {
    const { auc, accuracy } = metrics;
    const aucText = `ROC-AUC ${auc.aucB.toFixed(4)} vs champion ${auc.aucA.toFixed(4)} (Δ ${signed(auc.difference)}, DeLong p=${auc.pValue.toPrecision(2)}, n=${metrics.labelled})`;
    const accuracyText = `accuracy ${accuracy.accuracyB.toFixed(4)} vs ${accuracy.accuracyA.toFixed(4)} (Δ ${signed(accuracy.difference)}, McNemar p=${accuracy.pValue.toPrecision(2)})`;
    const aucWorse = auc.difference < -t.maxAucDrop || (auc.difference < 0 && auc.pValue < t.alpha);
    const accuracyWorse =
      accuracy.difference < -t.maxAccuracyDrop ||
      (accuracy.difference < 0 && accuracy.pValue < t.alpha);
    if (aucWorse) reasons.push(`challenger is worse: ${aucText}`);
    if (accuracyWorse) reasons.push(`challenger is worse: ${accuracyText}`);
    if (reasons.length > 0) return verdict('rollback');
    reasons.push(`quality holds: ${aucText}; ${accuracyText}`);
  } else {
    const shifted: string[] = [];
    if (metrics.disagreement !== null && metrics.disagreement > t.maxDisagreement)
      shifted.push(
        `labels disagree on ${pct(metrics.disagreement)} of requests (max ${pct(t.maxDisagreement)})`,
      );
    if (metrics.scorePsi !== null && metrics.scorePsi > t.maxScorePsi)
      shifted.push(
        `score distribution shift PSI ${metrics.scorePsi.toFixed(3)} (max ${t.maxScorePsi})`,
      );
    const labelNote = `${metrics.labelled} labelled predictions (${metrics.positives} positive); ${t.minLabelled} with ${t.minPerClass} per class are needed to compare ROC-AUC and accuracy`;
    if (shifted.length > 0) {
      reasons.push(...shifted, `too few labels to tell which version is right: ${labelNote}`);
      return verdict('inconclusive');
    }
    if (input.finalStep && t.requireLabelsToPromote) {
      reasons.push(`safety checks pass but promotion needs the label comparison: ${labelNote}`);
      return verdict('inconclusive');
    }
    reasons.push(`no labels yet (${labelNote}); safety checks pass`);
  }
  reasons.push(
    `errors ${pct(metrics.challenger.errorRate)} vs ${pct(metrics.champion.errorRate)}, p99 ${fmtMs(p99Challenger)} vs ${fmtMs(p99Champion)}, disagreement ${metrics.disagreement === null ? 'n/a' : pct(metrics.disagreement)}`,
  );
  return verdict(input.finalStep ? 'promote' : 'continue');
}

function armMetrics(rows: readonly LoggedPrediction[]): ArmMetrics {
  const errors = rows.filter((row) => row.error !== null).length;
  const latencies = rows.filter((row) => row.error === null).map((row) => row.latencyUs / 1000);
  return {
    requests: rows.length,
    errors,
    errorRate: rows.length === 0 ? 0 : errors / rows.length,
    p99LatencyMs: latencies.length === 0 ? null : quantile(latencies, 0.99),
  };
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
const fmtMs = (ms: number | null) => (ms === null ? 'n/a' : `${ms.toFixed(3)} ms`);
