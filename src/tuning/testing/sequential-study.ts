import { trialRandom, type Sampler, type TrialHistory } from '../sampler.js';
import type { SearchSpace, TrialParams } from '../search-space.js';

/**
 * A study run by a single worker, in memory: each trial sampled from the history so far and
 * scored by `objective` (maximised). For sampler tests and the sampler benchmark.
 */
export function sequentialStudy(
  sampler: Sampler,
  space: SearchSpace,
  objective: (params: TrialParams) => number,
  seed: number,
  trials: number,
): TrialHistory[] {
  const history: TrialHistory[] = [];
  for (let number = 0; number < trials; number++) {
    const params = sampler.sample({
      space,
      direction: 'maximize',
      history,
      random: trialRandom(seed, number),
    });
    history.push({
      number,
      state: 'complete',
      params,
      value: objective(params),
      intermediate: new Map(),
    });
  }
  return history;
}
