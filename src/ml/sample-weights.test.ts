import { describe, expect, it } from 'vitest';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { matrixFromRows, type Matrix } from './matrix.js';
import { logisticProblem } from './testing/gaussian.js';

/** Rows 0 … k−1 once more, as a weight of 2 on them would count them. */
function duplicateFirst(X: Matrix, y: ArrayLike<number>, k: number) {
  const rows = Array.from({ length: X.rows + k }, (_, i) => {
    const r = i < X.rows ? i : i - X.rows;
    return Array.from({ length: X.columnNames.length }, (_, j) => X.data[j * X.rows + r]);
  });
  return {
    X: matrixFromRows(rows, [...X.columnNames]),
    y: Array.from({ length: X.rows + k }, (_, i) => y[i < X.rows ? i : i - X.rows]),
  };
}

describe('sample weights', () => {
  const { X, y } = logisticProblem(2000, [1.5, -2, 0.3], 0.2, 7);
  const weights = Float64Array.from({ length: X.rows }, (_, i) => (i < 500 ? 2 : 1));

  it('count a row of weight 2 as that row twice, for the logistic regression', () => {
    const weighted = new LogisticRegression({ tol: 1e-10 }).fit(X, y, weights).coefficients();
    const twice = duplicateFirst(X, y, 500);
    const duplicated = new LogisticRegression({ tol: 1e-10 }).fit(twice.X, twice.y).coefficients();
    weighted.coef.forEach((c, j) => expect(c).toBeCloseTo(duplicated.coef[j], 6));
    expect(weighted.intercept).toBeCloseTo(duplicated.intercept, 6);
  });

  it('change the trees, and weights of 1 change nothing', () => {
    const params = { maxIter: 30, earlyStopping: false as const, seed: 3 };
    const plain = new GradientBoostedTrees(params).fit(X, y).predictProba(X);
    const ones = new GradientBoostedTrees(params)
      .fit(X, y, new Float64Array(X.rows).fill(1))
      .predictProba(X);
    expect(ones).toEqual(plain);
    // Counting the positives three times raises every score.
    const heavy = Float64Array.from(y as ArrayLike<number>, (label) => (label === 1 ? 3 : 1));
    const weighted = new GradientBoostedTrees(params).fit(X, y, heavy).predictProba(X);
    const mean = (p: Float64Array) => p.reduce((s, v) => s + v, 0) / p.length;
    expect(mean(weighted)).toBeGreaterThan(mean(plain) + 0.05);
  });

  it.each([
    [new Float64Array(10), 'X has 2000 rows but 10 sample weights'],
    [
      Float64Array.from({ length: 2000 }, (_, i) => (i === 4 ? -1 : 1)),
      'sample weight 4 is -1; weights must be finite and ≥ 0',
    ],
    [
      Float64Array.from({ length: 2000 }, (_, i) => (i === 9 ? Number.NaN : 1)),
      'sample weight 9 is NaN',
    ],
    [new Float64Array(2000), 'the sample weights sum to 0'],
  ])('are refused with a clear error when malformed (%#)', (bad, message) => {
    expect(() => new LogisticRegression().fit(X, y, bad)).toThrow(message);
    expect(() => new GradientBoostedTrees({ maxIter: 2 }).fit(X, y, bad)).toThrow(message);
  });
});
