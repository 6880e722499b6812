import { SeededRandom } from '../ml/random.js';
import type { Direction } from './settings.js';
import type { SearchSpace, TrialParams } from './search-space.js';

/** Trial states, as stored. `running` trials are those some worker is evaluating now. */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** What a sampler may know of an earlier trial. */
export interface TrialHistory {
  number: number;
  state: TrialState;
  params: TrialParams;
  /** The objective, for complete trials. */
  value: number | null;
  /** Intermediate values by step (CV fold), for pruned trials' ranking. */
  intermediate: ReadonlyMap<number, number>;
}

export interface SampleContext {
  space: SearchSpace;
  direction: Direction;
  /** Every earlier trial of the study, in number order (running ones included). */
  history: readonly TrialHistory[];
  /** This trial's own random stream (see `trialRandom`). */
  random: SeededRandom;
}

/** Chooses the next trial's parameters from the search space and the study's history. */
export interface Sampler {
  readonly name: string;
  sample(context: SampleContext): TrialParams;
}

/**
 * The random stream of trial `number` of a study seeded with `seed`: a function of both alone,
 * so a trial's draws do not depend on which worker asked, or when. Seeds are mixed with a
 * 32-bit integer hash (murmur3's finaliser) so neighbouring numbers give unrelated streams.
 */
export function trialRandom(seed: number, number: number): SeededRandom {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(number + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return new SeededRandom(h >>> 0);
}
