import { describe, expect, it } from 'vitest';
import { rocAuc } from '../ml/metrics.js';
import {
  delongPairedTest,
  mcnemarTest,
  normalCdf,
  populationStabilityIndex,
  quantile,
} from './statistics.js';

describe('rollout statistics', () => {
  it('computes the normal CDF and nearest-rank quantiles', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(quantile([5, 1, 3, 2, 4], 0.99)).toBe(5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
  });

  it('DeLong: AUCs match the metric, a clearly better model is significant, identical ones are not', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const labels = Array.from({ length: 600 }, (_, i) => i % 2);
    const good = labels.map((y) => y + random() * 1.2);
    const noise = labels.map(() => random());
    const test = delongPairedTest(labels, noise, good);
    expect(test.aucB).toBeCloseTo(rocAuc(labels, good), 10);
    expect(test.aucA).toBeCloseTo(rocAuc(labels, noise), 10);
    expect(test.difference).toBeGreaterThan(0.3);
    expect(test.pValue).toBeLessThan(1e-6);
    expect(delongPairedTest(labels, good, good).pValue).toBe(1);
  });

  it('McNemar counts discordant pairs', () => {
    const labels = [1, 1, 1, 1, 0, 0, 0, 0];
    const test = mcnemarTest(labels, [1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0]);
    expect(test).toMatchObject({ accuracyA: 1, accuracyB: 5 / 8, onlyA: 3, onlyB: 0 });
    expect(test.pValue).toBeGreaterThan(0.05); // 3 discordant pairs are not enough
  });

  it('PSI is ~0 for the same distribution and large for a shifted one', () => {
    const a = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(populationStabilityIndex(a, a)).toBeLessThan(1e-9);
    expect(
      populationStabilityIndex(
        a,
        a.map((x) => x * 0.3),
      ),
    ).toBeGreaterThan(0.5);
  });
});
