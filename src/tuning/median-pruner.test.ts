import { describe, expect, it } from 'vitest';
import { MEDIAN_DEFAULTS, median, shouldPruneByMedian } from './median-pruner.js';

const ask = (
  overrides: Partial<Parameters<typeof shouldPruneByMedian>[1]> = {},
  settings = MEDIAN_DEFAULTS,
) =>
  shouldPruneByMedian(settings, {
    direction: 'maximize',
    step: 0,
    own: new Map([[0, 0.8]]),
    othersAtStep: [0.85, 0.9, 0.7, 0.88, 0.86],
    completedTrials: 5,
    ...overrides,
  });

describe('median pruner', () => {
  it('prunes a trial below the median of the complete trials at the same step', () => {
    expect(median([0.85, 0.9, 0.7, 0.88, 0.86])).toBe(0.86);
    expect(ask()).toBe(true);
    expect(ask({ own: new Map([[0, 0.87]]) })).toBe(false);
  });

  it('judges the best value so far, and flips for minimised metrics', () => {
    expect(
      ask({
        step: 1,
        own: new Map([
          [0, 0.9],
          [1, 0.8],
        ]),
      }),
    ).toBe(false);
    expect(ask({ direction: 'minimize', own: new Map([[0, 0.8]]) })).toBe(false);
    expect(ask({ direction: 'minimize', own: new Map([[0, 0.95]]) })).toBe(true);
  });

  it('waits for the start-up trials, the warm-up steps and enough reports', () => {
    expect(ask({ completedTrials: 4 })).toBe(false);
    expect(ask({}, { ...MEDIAN_DEFAULTS, warmupSteps: 1 })).toBe(false);
    expect(ask({ step: 1, own: new Map([[1, 0.8]]) }, { ...MEDIAN_DEFAULTS, warmupSteps: 1 })).toBe(
      true,
    );
    expect(ask({ othersAtStep: [] })).toBe(false);
    expect(ask({ othersAtStep: [0.9] }, { ...MEDIAN_DEFAULTS, minTrials: 2 })).toBe(false);
  });
});
