import type { Direction } from './tune-config.js';
import type { TrialHistory } from './sampler.js';

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
