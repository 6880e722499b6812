import type { Direction } from './settings.js';
import type { TrialHistory, TrialState } from './sampler.js';

/** The best complete trial (ties: the earlier one), or undefined when none completed. */
export function bestTrial<T extends TrialHistory>(
  trials: readonly T[],
  direction: Direction,
): T | undefined {
  let best: T | undefined;
  for (const trial of trials) {
    if (trial.state !== 'complete' || trial.value === null) continue;
    if (!best || (direction === 'maximize' ? trial.value > best.value! : trial.value < best.value!))
      best = trial;
  }
  return best;
}

/** Trials per state. */
export function countTrials(
  trials: readonly Pick<TrialHistory, 'state'>[],
): Record<TrialState, number> {
  const counts: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}
