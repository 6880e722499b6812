import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.js';
import type { DomainError } from '../errors.js';

const problems = (overrides: string[]): string[] => {
  try {
    loadConfig({ overrides, env: {} });
    return [];
  } catch (error) {
    return (error as DomainError).details.map(({ field, message }) => `${field}: ${message}`);
  }
};

describe('tune configuration', () => {
  it('ships a valid default with a space per model', () => {
    const { config, groups } = loadConfig({ overrides: ['model=gbdt', 'tune.trials=7'], env: {} });
    expect(groups.tune).toBe('default');
    expect(config.tune.trials).toBe(7);
    expect(config.tune.space.gbdt?.learningRate).toMatchObject({ type: 'float', log: true });
    expect(config.tune.space.logistic?.C).toBeDefined();
  });

  it('rejects unknown hyperparameters, bad ranges and dangling conditions, naming the key', () => {
    expect(problems(['tune.space.gbdt.learnRate={type: float, low: 0.1, high: 0.01}'])).toEqual(
      expect.arrayContaining([
        'tune.space.gbdt.learnRate: low must be below high',
        expect.stringMatching(/^tune\.space\.gbdt\.learnRate: .*no hyperparameter "learnRate"/),
      ]),
    );
    expect(problems(['tune.space.gbdt.maxDepth={type: int, low: 2, high: 9, step: 2}'])).toEqual([
      'tune.space.gbdt.maxDepth: high − low must be a multiple of step',
    ]);
    expect(problems(['tune.space.gbdt.tol={type: float, low: 0, high: 1, log: true}'])).toEqual([
      'tune.space.gbdt.tol: log scale needs low > 0',
    ]);
    expect(
      problems(['tune.space.gbdt.maxDepth={type: int, low: 2, high: 8, when: {growth: [depth]}}']),
    ).toEqual([
      expect.stringMatching(
        /^tune\.space\.gbdt\.maxDepth\.when\.growth: "growth" is not a parameter/,
      ),
    ]);
    expect(problems(['tune.sampler=grid'])[0]).toMatch(/^tune\.sampler:/);
    expect(problems(['tune.heartbeat.timeoutMs=100'])[0]).toMatch(
      /^tune\.heartbeat: timeoutMs must exceed/,
    );
  });
});
