import { describe, expect, it } from 'vitest';
import {
  chiSquaredTest,
  holmAdjust,
  jensenShannonDistance,
  ksTest,
  normedWasserstein,
  regularizedGammaP,
} from './drift-statistics.js';

/** scipy.stats.kstwobign.sf(1.0) */
const KSTWOBIGN_SF_1 = 0.26999967167735456;
const counts = (entries: [string, number][]) => new Map(entries);

describe('drift statistics, against scipy 1.17', () => {
  // Deterministic samples, so that scipy saw the same numbers.
  const wave = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i + 1) * 3);
  const shifted = Float64Array.from({ length: 200 }, (_, i) => Math.cos(i + 1) * 3 + 0.6);

  it('Kolmogorov–Smirnov: D and the asymptotic p-value', () => {
    // D as scipy.stats.ks_2samp(wave, shifted); p from the limiting Kolmogorov distribution,
    // scipy.stats.kstwobign.sf(sqrt(n·m/(n+m))·D) (ks_2samp's 'asymp' uses a finite-n form).
    const { statistic, pValue } = ksTest(wave, shifted);
    expect(statistic).toBeCloseTo(0.20666666666666667, 12);
    expect(pValue / 7.066787407730288e-5).toBeCloseTo(1, 9);
    const small = ksTest(
      Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      Float64Array.of(5, 6, 7, 8, 9, 10, 11, 12),
    );
    expect([small.statistic, small.pValue]).toEqual([0.5, expect.closeTo(KSTWOBIGN_SF_1, 9)]);
    const same = ksTest(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3));
    expect([same.statistic, same.pValue]).toEqual([0, 1]);
  });

  it('chi-squared of homogeneity, a category seen in one sample included', () => {
    // scipy.stats.chi2_contingency([[30, 20, 0], [10, 25, 15]], correction=False)
    const { statistic, df, pValue } = chiSquaredTest(
      counts([
        ['a', 30],
        ['b', 20],
      ]),
      counts([
        ['a', 10],
        ['b', 25],
        ['c', 15],
      ]),
    );
    expect(df).toBe(2);
    expect(statistic).toBeCloseTo(25.555555555555557, 12);
    expect(pValue / 2.8228098234795317e-6).toBeCloseTo(1, 9);
    expect(regularizedGammaP(0.5, 1.920729410347062)).toBeCloseTo(0.95, 9); // χ²₁ 95% quantile 3.8415
  });

  it('Wasserstein distance normed by the reference standard deviation; Jensen–Shannon distance', () => {
    // scipy.stats.wasserstein_distance([0,1,3], [5,6,8]) = 5; std([0,1,3], ddof=1) = 1.5275
    expect(normedWasserstein(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8))).toBeCloseTo(
      5 / 1.5275252316519468,
      9,
    );
    expect(normedWasserstein(Float64Array.of(0, 1, 3), Float64Array.of(0, 1, 3))).toBe(0);
    expect(normedWasserstein(wave, shifted)).toBeCloseTo(0.2724221385686639, 12);
    // scipy.spatial.distance.jensenshannon([0.5, 0.5], [1, 0]) = 0.4645
    expect(
      jensenShannonDistance(
        counts([
          ['a', 1],
          ['b', 1],
        ]),
        counts([['a', 2]]),
      ),
    ).toBeCloseTo(0.46450140402245893, 9);
  });

  it("Holm's adjustment keeps the order and multiplies by the remaining count", () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.2])).toEqual([0.04, 0.09, 0.09, 0.2]);
  });
});
