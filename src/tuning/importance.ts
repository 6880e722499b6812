import type { TrialParams } from './search-space.js';

/**
 * How much of the objective's spread each parameter explains over the complete trials: the
 * correlation ratio η² (between-group variance / total variance), with numeric values grouped
 * into quartiles and categorical ones by value, normalised to sum to 1. A cheap, dependency-
 * free stand-in for Optuna's fANOVA: it sees main effects only, not interactions.
 */
export function parameterImportance(
  trials: readonly { params: TrialParams; value: number }[],
): Record<string, number> {
  if (trials.length < 3) return {};
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  const raw: Record<string, number> = {};
  for (const name of names) {
    const present = trials.filter((trial) => name in trial.params);
    if (present.length < 3) continue;
    const groups = groupOf(present.map((trial) => trial.params[name]));
    raw[name] = etaSquared(
      present.map((trial) => trial.value),
      groups,
    );
  }
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.entries(raw)
      .map(([name, share]): [string, number] => [name, total > 0 ? share / total : 0])
      .sort((a, b) => b[1] - a[1]),
  );
}

function groupOf(values: readonly unknown[]): number[] {
  if (values.every((value) => typeof value === 'number')) {
    const numbers = values as number[];
    const sorted = [...numbers].sort((a, b) => a - b);
    const cuts = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * (sorted.length - 1))]);
    return numbers.map((value) => cuts.filter((cut) => value > cut).length);
  }
  const keys = values.map((value) => JSON.stringify(value));
  const index = [...new Set(keys)];
  return keys.map((key) => index.indexOf(key));
}

function etaSquared(values: readonly number[], groups: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const total = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (total === 0) return 0;
  const sums = new Map<number, { sum: number; n: number }>();
  values.forEach((value, i) => {
    const group = sums.get(groups[i]) ?? { sum: 0, n: 0 };
    group.sum += value;
    group.n += 1;
    sums.set(groups[i], group);
  });
  let between = 0;
  for (const { sum, n } of sums.values()) between += n * (sum / n - mean) ** 2;
  return between / total;
}
