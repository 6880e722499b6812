import { FEATURE_NAMES, type FeatureName, type Respondent } from '../data/record.js';
import { NUMERIC_FEATURES } from '../ml/features.js';
import { populationStabilityIndex } from '../serving/statistics.js';
import {
  chiSquaredTest,
  holmAdjust,
  jensenShannonDistance,
  ksTest,
  normedWasserstein,
} from './drift-statistics.js';

/**
 * What the report needs of a sample, column by column: the non-missing numbers of each
 * numeric feature, the category counts of each other one, and how many rows miss each.
 * Built from records (the reference) or straight from the prediction log by aggregate
 * queries (the current window: 100,000 rows never become objects).
 */
export interface DriftSample {
  rows: number;
  numbers: Partial<Record<FeatureName, Float64Array>>;
  categories: Partial<Record<FeatureName, Map<string, number>>>;
}

export const isNumericFeature = (feature: FeatureName) =>
  (NUMERIC_FEATURES as readonly string[]).includes(feature);

/** The sample of a set of records. */
export function sampleOf(records: readonly Respondent[]): DriftSample {
  const sample: DriftSample = { rows: records.length, numbers: {}, categories: {} };
  for (const feature of FEATURE_NAMES) {
    const values = records.map((r) => r[feature]).filter((v) => v !== null);
    if (isNumericFeature(feature)) sample.numbers[feature] = Float64Array.from(values as number[]);
    else sample.categories[feature] = tally(values.map(String));
  }
  return sample;
}

export const DRIFT_TESTS = ['ks', 'chi2', 'wasserstein', 'jensen-shannon'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];

export interface DriftSettings {
  /** Family-wise level of the p-value tests (Holm-adjusted across the features of a report). */
  alpha: number;
  /** Above this distance (normed Wasserstein, Jensen–Shannon) a feature has drifted. */
  distanceThreshold: number;
  /** Current windows with more rows than this are judged by distances, not tests. */
  largeSample: number;
  /** Dataset drift when at least this share of the features drifted. */
  datasetDriftShare: number;
  /** Population stability index of the predicted score above which the score drifted. */
  psiThreshold: number;
  /** Per feature, test or distance regardless of sample size (the type picks which one). */
  tests: Partial<Record<FeatureName, DriftTest>>;
}

export interface FeatureDrift {
  feature: FeatureName;
  kind: 'numeric' | 'categorical';
  test: DriftTest;
  /** D, χ², or the distance. */
  statistic: number;
  /** Raw and Holm-adjusted p-values of a test; null for distances. */
  pValue: number | null;
  adjustedPValue: number | null;
  /** α for a test, the distance threshold for a distance. */
  threshold: number;
  drifted: boolean;
  /** Share of rows missing the value, in each sample (missing values are not tested). */
  missing: { reference: number; current: number };
  /** The two distributions, for the report's plot: shares per bin or category. */
  plot: { labels: string[]; reference: number[]; current: number[] };
}

export interface DriftReport {
  referenceRows: number;
  currentRows: number;
  features: FeatureDrift[];
  driftedFeatures: FeatureName[];
  driftedShare: number;
  datasetDrift: boolean;
  /** The predicted score: PSI against the champion's scores of the reference rows. */
  score: {
    psi: number;
    threshold: number;
    drifted: boolean;
    positiveRate: { reference: number; current: number };
    plot: { labels: string[]; reference: number[]; current: number[] };
  } | null;
  settings: DriftSettings;
  multipleTesting: string;
}

/** Numbers with five or fewer distinct values (scales, flags) are compared as categories, as Evidently does. */
const FEW_VALUES = 5;
const PLOT_BINS = 20;
const PLOT_CATEGORIES = 15;

/**
 * Compares current records (and their scores) with the reference the model was trained on:
 * per feature a test or distance chosen by type and sample size, Holm-adjusted p-values, the
 * share of drifted features against the dataset threshold, and PSI on the score.
 */
export function computeDrift(
  reference: DriftSample,
  current: DriftSample,
  settings: DriftSettings,
  scores?: { reference: ArrayLike<number>; current: ArrayLike<number>; threshold: number },
): DriftReport {
  const large = current.rows > settings.largeSample;
  const raw = FEATURE_NAMES.map((feature) =>
    featureDrift(feature, reference, current, settings, large),
  );
  const tested = raw.filter((f) => f.pValue !== null);
  const adjusted = holmAdjust(tested.map((f) => f.pValue!));
  tested.forEach((f, i) => {
    f.adjustedPValue = adjusted[i];
    f.drifted = adjusted[i] < settings.alpha;
  });
  const driftedFeatures = raw.filter((f) => f.drifted).map((f) => f.feature);
  const driftedShare = driftedFeatures.length / raw.length;
  return {
    referenceRows: reference.rows,
    currentRows: current.rows,
    features: raw,
    driftedFeatures,
    driftedShare,
    datasetDrift: driftedShare >= settings.datasetDriftShare,
    score: scores ? scoreDrift(scores, settings) : null,
    settings,
    multipleTesting: `Holm's step-down adjustment of the ${tested.length} p-values at family-wise α = ${settings.alpha}; distances are judged against their threshold unadjusted`,
  };
}

function featureDrift(
  feature: FeatureName,
  reference: DriftSample,
  current: DriftSample,
  settings: DriftSettings,
  large: boolean,
): FeatureDrift {
  const refNumbers = reference.numbers[feature];
  const curNumbers = current.numbers[feature];
  // Numbers with few distinct values (scales, flags) are compared as categories.
  const numeric =
    refNumbers !== undefined && curNumbers !== undefined && distinct(refNumbers) > FEW_VALUES;
  const categories = (sample: DriftSample) =>
    sample.categories[feature] ?? tally(Array.from(sample.numbers[feature] ?? [], String));
  const present = (sample: DriftSample) =>
    sample.numbers[feature]?.length ??
    [...(sample.categories[feature]?.values() ?? [])].reduce((s, c) => s + c, 0);
  const missing = {
    reference: 1 - present(reference) / Math.max(1, reference.rows),
    current: 1 - present(current) / Math.max(1, current.rows),
  };
  // A configured test sets test-or-distance; the feature's type picks which one.
  const chosen = settings.tests[feature] ?? (large ? 'wasserstein' : 'ks');
  const distance = chosen === 'wasserstein' || chosen === 'jensen-shannon';
  const test: DriftTest = numeric
    ? distance
      ? 'wasserstein'
      : 'ks'
    : distance
      ? 'jensen-shannon'
      : 'chi2';
  const base = {
    feature,
    kind: numeric ? ('numeric' as const) : ('categorical' as const),
    test,
    missing,
  };
  const nothing = { labels: [], reference: [], current: [] };
  if (present(reference) === 0 || present(current) === 0)
    return {
      ...base,
      statistic: 0,
      pValue: null,
      adjustedPValue: null,
      threshold: 0,
      drifted: false,
      plot: nothing,
    };
  const byDistance = (statistic: number) => ({
    statistic,
    pValue: null,
    adjustedPValue: null,
    threshold: settings.distanceThreshold,
    drifted: statistic > settings.distanceThreshold,
  });
  // Judged after Holm's adjustment across the report's tests (computeDrift).
  const byTest = ({ statistic, pValue }: { statistic: number; pValue: number }) => ({
    statistic,
    pValue,
    adjustedPValue: pValue,
    threshold: settings.alpha,
    drifted: false,
  });
  if (numeric) {
    const [a, b] = [refNumbers!, curNumbers!];
    return {
      ...base,
      ...(distance ? byDistance(normedWasserstein(a, b)) : byTest(ksTest(a, b))),
      plot: histogram(a, b),
    };
  }
  const [a, b] = [categories(reference), categories(current)];
  return {
    ...base,
    ...(distance ? byDistance(jensenShannonDistance(a, b)) : byTest(chiSquaredTest(a, b))),
    plot: categoryShares(a, b),
  };
}

/** Distinct values, counting up to one more than `FEW_VALUES`. */
function distinct(values: Float64Array): number {
  const seen = new Set<number>();
  for (const v of values) if (seen.add(v).size > FEW_VALUES) break;
  return seen.size;
}

function scoreDrift(
  scores: { reference: ArrayLike<number>; current: ArrayLike<number>; threshold: number },
  settings: DriftSettings,
): DriftReport['score'] {
  const reference = Array.from(scores.reference);
  const current = Array.from(scores.current);
  if (reference.length === 0 || current.length === 0) return null;
  const psi = populationStabilityIndex(reference, current);
  const rate = (values: number[]) =>
    values.filter((p) => p >= scores.threshold).length / values.length;
  return {
    psi,
    threshold: settings.psiThreshold,
    drifted: psi > settings.psiThreshold,
    positiveRate: { reference: rate(reference), current: rate(current) },
    plot: histogram(Float64Array.from(reference), Float64Array.from(current), 0, 1),
  };
}

function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Shares of both samples over equal-width bins of their joint range. */
function histogram(a: Float64Array, b: Float64Array, min?: number, max?: number) {
  let lo = min ?? Infinity;
  let hi = max ?? -Infinity;
  if (min === undefined)
    for (const values of [a, b])
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  const width = (hi - lo) / PLOT_BINS || 1;
  const share = (values: Float64Array) => {
    const counts = new Array<number>(PLOT_BINS).fill(0);
    for (const v of values) counts[Math.min(PLOT_BINS - 1, Math.floor((v - lo) / width))]++;
    return counts.map((c) => c / values.length);
  };
  const labels = Array.from({ length: PLOT_BINS }, (_, i) => format(lo + i * width));
  return { labels, reference: share(a), current: share(b) };
}

/** Shares of the most common categories of either sample; the rest as `(other)`. */
function categoryShares(a: Map<string, number>, b: Map<string, number>) {
  const n1 = [...a.values()].reduce((s, c) => s + c, 0);
  const n2 = [...b.values()].reduce((s, c) => s + c, 0);
  const all = [...new Set([...a.keys(), ...b.keys()])].sort(
    (x, y) =>
      Math.max((b.get(y) ?? 0) / n2, (a.get(y) ?? 0) / n1) -
      Math.max((b.get(x) ?? 0) / n2, (a.get(x) ?? 0) / n1),
  );
  const shown = all.slice(0, PLOT_CATEGORIES);
  const rest = all.slice(PLOT_CATEGORIES);
  const shares = (counts: Map<string, number>, n: number) => [
    ...shown.map((c) => (counts.get(c) ?? 0) / n),
    ...(rest.length ? [rest.reduce((s, c) => s + (counts.get(c) ?? 0), 0) / n] : []),
  ];
  return {
    labels: [...shown, ...(rest.length ? ['(other)'] : [])],
    reference: shares(a, n1),
    current: shares(b, n2),
  };
}

const format = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
