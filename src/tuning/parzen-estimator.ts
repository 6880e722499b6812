import type { SeededRandom } from '../ml/random.js';
import { logTruncatedNormalPdf, sampleTruncatedNormal } from './normal.js';
import type {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from './search-space.js';

/** A mixture the TPE sampler draws from (l(x)) and scores against (l(x) / g(x)). */
export interface ParzenEstimator<T> {
  sample(random: SeededRandom): T;
  logPdf(value: T): number;
}

/**
 * Optuna's observation weights: equal up to 25 observations, then a linear ramp from 1/n that
 * makes the oldest observations count less (the newest 25 keep weight 1).
 */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  for (let i = 0; i < ramp; i++)
    weights.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

/** Where a numeric parameter lives for the kernels: log space for `log`, widened by ½ step for ints. */
export interface NumericDomain {
  low: number;
  high: number;
  toInternal(value: number): number;
  fromInternal(x: number): number;
}

export function numericDomain(distribution: FloatDistribution | IntDistribution): NumericDomain {
  const { low, high, log } = distribution;
  if (distribution.type === 'float') {
    return log
      ? {
          low: Math.log(low),
          high: Math.log(high),
          toInternal: Math.log,
          fromInternal: (x) => Math.min(high, Math.max(low, Math.exp(x))),
        }
      : { low, high, toInternal: (v) => v, fromInternal: (x) => Math.min(high, Math.max(low, x)) };
  }
  const step = distribution.step;
  const snap = (v: number) =>
    Math.min(high, Math.max(low, low + Math.round((v - low) / step) * step));
  return log
    ? {
        low: Math.log(low - 0.5),
        high: Math.log(high + 0.5),
        toInternal: Math.log,
        fromInternal: (x) => snap(Math.exp(x)),
      }
    : { low: low - step / 2, high: high + step / 2, toInternal: (v) => v, fromInternal: snap };
}

/**
 * Truncated Gaussian kernels, one per observation plus a wide prior, with Optuna's bandwidths:
 * each kernel as wide as the larger gap to its sorted neighbours, clipped to
 * [range / min(100, n + 1), range] ("magic clip"), the prior centred with σ = range.
 */
export function numericParzen(
  observations: readonly number[],
  domain: NumericDomain,
  priorWeight: number,
): ParzenEstimator<number> {
  const { low, high } = domain;
  const range = high - low;
  const mus = [...observations.map(domain.toInternal), 0.5 * (low + high)];
  const n = mus.length;
  const sigmas = new Array<number>(n).fill(range);
  const observed = n - 1;
  if (observed > 0) {
    const order = Array.from({ length: observed }, (_, i) => i).sort((a, b) => mus[a] - mus[b]);
    const sorted = [low, ...order.map((i) => mus[i]), high];
    for (let k = 0; k < observed; k++) {
      let sigma = Math.max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]);
      // Optuna's consider_endpoints=False: the outermost kernels ignore the domain bounds.
      if (observed >= 2 && k === 0) sigma = sorted[2] - sorted[1];
      if (observed >= 2 && k === observed - 1) sigma = sorted[observed] - sorted[observed - 1];
      sigmas[order[k]] = sigma;
    }
    const minSigma = range / Math.min(100, 1 + n);
    for (let i = 0; i < observed; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]));
  }
  const weights = normalise([...defaultWeights(observed), priorWeight]);
  const logWeights = weights.map(Math.log);
  return {
    sample(random) {
      const k = pick(weights, random.next());
      return domain.fromInternal(
        sampleTruncatedNormal(mus[k], sigmas[k], low, high, random.next()),
      );
    },
    logPdf(value) {
      const x = domain.toInternal(value);
      return logSumExp(
        mus.map((mu, k) => logWeights[k] + logTruncatedNormalPdf(x, mu, sigmas[k], low, high)),
      );
    },
  };
}

/**
 * Categorical kernels, as Optuna: each observation's kernel puts weight 1 on its choice plus
 * priorWeight / kernels on every choice; the prior kernel is uniform.
 */
export function categoricalParzen(
  observations: readonly number[],
  distribution: CategoricalDistribution,
  priorWeight: number,
): ParzenEstimator<number> {
  const choices = distribution.choices.length;
  const kernels = observations.length + 1;
  const rows = Array.from({ length: kernels }, (_, k) => {
    const row = new Array<number>(choices).fill(priorWeight / kernels);
    if (k < observations.length) row[observations[k]] += 1;
    return normalise(row);
  });
  const weights = normalise([...defaultWeights(observations.length), priorWeight]);
  // The mixture of categorical kernels is one categorical distribution.
  const probabilities = new Array<number>(choices).fill(0);
  rows.forEach((row, k) => row.forEach((p, c) => (probabilities[c] += weights[k] * p)));
  return {
    sample: (random) => pick(probabilities, random.next()),
    logPdf: (index) => Math.log(probabilities[index]),
  };
}

function normalise(values: number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / total);
}

function pick(weights: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (u < acc) return i;
  }
  return weights.length - 1;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
