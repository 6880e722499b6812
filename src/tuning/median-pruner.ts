import type { Direction, TuneSettings } from './settings.js';

export type MedianPrunerSettings = TuneSettings['median'];

/** Optuna's MedianPruner defaults. */
export const MEDIAN_DEFAULTS: MedianPrunerSettings = {
  startupTrials: 5,
  warmupSteps: 0,
  minTrials: 1,
};

export interface PruneQuestion {
  direction: Direction;
  step: number;
  /** This trial's intermediate values so far, by step. */
  own: ReadonlyMap<number, number>;
  /** The intermediate value at `step` of every other complete trial that reported it. */
  othersAtStep: readonly number[];
  /** How many trials of the study have completed. */
  completedTrials: number;
}

/**
 * The median rule as Optuna applies it: after the start-up trials and the warm-up steps, a
 * trial is pruned when its best intermediate value so far is worse than the median of the
 * complete trials' values at the same step.
 */
export function shouldPruneByMedian(
  settings: MedianPrunerSettings,
  question: PruneQuestion,
): boolean {
  const { step, own, othersAtStep, direction } = question;
  if (question.completedTrials < settings.startupTrials) return false;
  if (step < settings.warmupSteps) return false;
  if (othersAtStep.length < settings.minTrials) return false;
  const values = [...own.values()].filter(Number.isFinite);
  if (values.length === 0) return false;
  const best = direction === 'maximize' ? Math.max(...values) : Math.min(...values);
  const threshold = median(othersAtStep);
  return direction === 'maximize' ? best < threshold : best > threshold;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
