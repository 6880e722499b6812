/**
 * The statistics of the rollout analysis: paired comparisons of two models scored on the
 * same rows, a distribution shift index and latency quantiles.
 */

/** The q-quantile (0 ≤ q ≤ 1) by the nearest-rank method; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two-sided p-value of a standard normal statistic. */
function twoSided(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/** 1-based ranks with ties given their average rank. */
function midranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

export interface PairedAucTest {
  aucA: number;
  aucB: number;
  /** aucB − aucA */
  difference: number;
  /** Standard error of the difference. */
  standardError: number;
  z: number;
  pValue: number;
}

/**
 * DeLong's test for two correlated ROC-AUCs (the same labelled rows scored by models A and
 * B), with the fast midrank computation of Sun & Xu (2014). Needs both classes.
 */
export function delongPairedTest(
  labels: ArrayLike<number>,
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
): PairedAucTest {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? positives : negatives).push(i);
  const m = positives.length;
  const n = negatives.length;
  if (m === 0 || n === 0) throw new RangeError('DeLong test needs both classes');
  const components = [scoresA, scoresB].map((scores) => {
    const x = Float64Array.from(positives, (i) => scores[i]);
    const y = Float64Array.from(negatives, (i) => scores[i]);
    const tx = midranks(x);
    const ty = midranks(y);
    const all = new Float64Array(m + n);
    all.set(x);
    all.set(y, m);
    const tz = midranks(all);
    let rankSum = 0;
    for (let i = 0; i < m; i++) rankSum += tz[i];
    const auc = (rankSum - (m * (m + 1)) / 2) / (m * n);
    const v10 = Float64Array.from({ length: m }, (_, i) => (tz[i] - tx[i]) / n);
    const v01 = Float64Array.from({ length: n }, (_, j) => 1 - (tz[m + j] - ty[j]) / m);
    return { auc, v10, v01 };
  });
  const [a, b] = components;
  const varianceOfDifference = varianceOfDiff(a.v10, b.v10) / m + varianceOfDiff(a.v01, b.v01) / n;
  const difference = b.auc - a.auc;
  const z = varianceOfDifference > 0 ? difference / Math.sqrt(varianceOfDifference) : 0;
  return {
    aucA: a.auc,
    aucB: b.auc,
    difference,
    standardError: Math.sqrt(Math.max(0, varianceOfDifference)),
    z,
    pValue: varianceOfDifference > 0 ? twoSided(z) : difference === 0 ? 1 : 0,
  };
}

/** Sample variance of (a − b). */
function varianceOfDiff(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  if (k < 2) return 0;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += a[i] - b[i];
  mean /= k;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += (a[i] - b[i] - mean) ** 2;
  return sum / (k - 1);
}

export interface McNemarTest {
  accuracyA: number;
  accuracyB: number;
  /** accuracyB − accuracyA */
  difference: number;
  /** Rows only A got right, rows only B got right. */
  onlyA: number;
  onlyB: number;
  pValue: number;
}

/** McNemar's test (with continuity correction) for two classifiers' accuracy on the same rows. */
export function mcnemarTest(
  labels: ArrayLike<number>,
  predictedA: ArrayLike<number>,
  predictedB: ArrayLike<number>,
): McNemarTest {
  let rightA = 0;
  let rightB = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = predictedA[i] === labels[i];
    const b = predictedB[i] === labels[i];
    if (a) rightA++;
    if (b) rightB++;
    if (a && !b) onlyA++;
    if (b && !a) onlyB++;
  }
  const discordant = onlyA + onlyB;
  const chi =
    discordant === 0 ? 0 : Math.max(0, Math.abs(onlyA - onlyB) - 1) / Math.sqrt(discordant);
  return {
    accuracyA: rightA / labels.length,
    accuracyB: rightB / labels.length,
    difference: (rightB - rightA) / labels.length,
    onlyA,
    onlyB,
    pValue: twoSided(chi),
  };
}

/**
 * Population stability index of `actual` against `expected`, over ten bins at the deciles
 * of `expected` (a small floor keeps empty bins finite). Rule of thumb: < 0.1 stable,
 * > 0.25 a major shift.
 */
export function populationStabilityIndex(
  expected: readonly number[],
  actual: readonly number[],
  bins = 10,
): number {
  if (expected.length === 0 || actual.length === 0) return Number.NaN;
  const sorted = Float64Array.from(expected).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.floor((k * sorted.length) / bins)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  const share = (values: readonly number[]) => {
    const counts = new Float64Array(edges.length + 1);
    for (const value of values) {
      let b = 0;
      while (b < edges.length && value >= edges[b]) b++;
      counts[b]++;
    }
    return counts.map((count) => Math.max(count / values.length, 1e-4));
  };
  const e = share(expected);
  const a = share(actual);
  let psi = 0;
  for (let b = 0; b < e.length; b++) psi += (a[b] - e[b]) * Math.log(a[b] / e[b]);
  return psi;
}
