import { describe, expect, it } from 'vitest';
import { RandomSampler } from './random-sampler.js';
import { trialRandom, type Sampler, type TrialHistory } from './sampler.js';
import type { SearchSpace, TrialParams } from './search-space.js';
import { sequentialStudy } from './testing/sequential-study.js';
import { TpeSampler, TPE_DEFAULTS } from './tpe-sampler.js';

const space: SearchSpace = {
  x: { type: 'float', low: -5, high: 5, log: false },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  leaves: { type: 'int', low: 2, high: 64, step: 2, log: false },
  kind: { type: 'categorical', choices: ['a', 'b', 'c'] },
  depth: { type: 'int', low: 1, high: 100, step: 1, log: true, when: { kind: ['c'] } },
};

/** Known optimum: x = 1.5, lr = 0.01, kind = b (maximise; 0 at the optimum). */
function objective(p: TrialParams): number {
  const x = p.x as number;
  const lr = Math.log10(p.lr as number);
  return -((x - 1.5) ** 2) - (lr + 2) ** 2 - (p.kind === 'b' ? 0 : 1);
}

/** A sequential study of `trials` trials, as a single worker runs it. */
const study = (sampler: Sampler, seed: number, trials: number, s: SearchSpace = space) =>
  sequentialStudy(sampler, s, objective, seed, trials);

const bestOf = (history: TrialHistory[]) => Math.max(...history.map((t) => t.value!));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe('random sampler', () => {
  it('stays inside every distribution: bounds, log scale, step grid, choices, conditions', () => {
    const history = study(new RandomSampler(), 1, 500);
    for (const { params } of history) {
      expect(params.x).toBeGreaterThanOrEqual(-5);
      expect(params.x).toBeLessThanOrEqual(5);
      expect(params.lr).toBeGreaterThanOrEqual(1e-4);
      expect(params.lr).toBeLessThanOrEqual(1);
      expect((params.leaves as number) % 2).toBe(0);
      expect(['a', 'b', 'c']).toContain(params.kind);
      expect('depth' in params).toBe(params.kind === 'c');
    }
    // Log-uniform: about half the draws below 10^-2 (the middle of 10^-4 … 10^0).
    const below = history.filter((t) => (t.params.lr as number) < 0.01).length;
    expect(below / history.length).toBeGreaterThan(0.4);
    expect(below / history.length).toBeLessThan(0.6);
    expect(new Set(history.map((t) => t.params.leaves)).size).toBeGreaterThan(25);
  });
});

describe('TPE sampler', () => {
  it('reproduces a seeded single-worker study exactly', () => {
    const a = study(new TpeSampler(), 7, 40).map((t) => t.params);
    const b = study(new TpeSampler(), 7, 40).map((t) => t.params);
    const c = study(new TpeSampler(), 8, 40).map((t) => t.params);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('samples at random for the start-up trials, then from the model', () => {
    const tpe = study(new TpeSampler(), 3, 10).map((t) => t.params);
    const random = study(new RandomSampler(), 3, 10).map((t) => t.params);
    expect(tpe).toEqual(random);
  });

  it('beats random search on an objective with a known optimum (median best of 10 seeds, 60 trials)', () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const tpe = median(seeds.map((seed) => bestOf(study(new TpeSampler(), seed, 60))));
    const random = median(seeds.map((seed) => bestOf(study(new RandomSampler(), seed, 60))));
    expect(tpe).toBeGreaterThan(random);
    expect(tpe).toBeGreaterThan(-0.1); // close to the optimum 0
  });

  it('with the constant liar, concurrent asks do not repeat a running trial’s point', () => {
    const oneParam: SearchSpace = { x: { type: 'float', low: -5, high: 5, log: false } };
    const finished = study(new TpeSampler(), 11, 20, oneParam);
    const ask = (liar: boolean, history: TrialHistory[]) =>
      new TpeSampler({ ...TPE_DEFAULTS, constantLiar: liar }).sample({
        space: oneParam,
        direction: 'maximize',
        history,
        random: trialRandom(11, 0), // the same stream: only the history differs
      }).x as number;
    const first = ask(true, finished);
    const running: TrialHistory = {
      number: 20,
      state: 'running',
      params: { x: first },
      value: null,
      intermediate: new Map(),
    };
    expect(ask(false, [...finished, running])).toBe(first); // without the lie: the same point
    expect(ask(true, [...finished, running])).not.toBe(first);
  });
});
