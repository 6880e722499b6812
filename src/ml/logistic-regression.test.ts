import { describe, expect, it } from 'vitest';
import { LogisticRegression } from './logistic-regression.js';
import { column, matrixFromColumns, matrixFromRows } from './matrix.js';
import { logisticProblem } from './testing/gaussian.js';

describe('LogisticRegression', () => {
  it('finds the unpenalised maximum-likelihood solution of a hand-solvable case', () => {
    // x = 0: y = 0, 1 (rate ½ → intercept 0); x = 1: y = 1, 1, 1, 0 (rate ¾ → coef ln 3)
    const X = matrixFromRows([[0], [0], [1], [1], [1], [1]], ['x']);
    const model = new LogisticRegression({ penalty: 'none', tol: 1e-10 }).fit(
      X,
      [0, 1, 1, 1, 1, 0],
    );
    const { coef, intercept } = model.coefficients();
    expect(intercept).toBeCloseTo(0, 8);
    expect(coef[0]).toBeCloseTo(Math.log(3), 8);
    expect(model.convergence.converged).toBe(true);
    expect(model.warnings).toEqual([]);
  });

  it('recovers known coefficients from simulated data', () => {
    const { X, y } = logisticProblem(20_000, [1.5, -2, 0], 0.5, 3);
    const { coef, intercept } = new LogisticRegression({ C: 1e6 }).fit(X, y).coefficients();
    expect(coef[0]).toBeCloseTo(1.5, 1);
    expect(coef[1]).toBeCloseTo(-2, 1);
    expect(Math.abs(coef[2])).toBeLessThan(0.06);
    expect(intercept).toBeCloseTo(0.5, 1);
  });

  it('shrinks coefficients as C decreases (L2, as scikit-learn: C·Σloss + ½‖β‖²)', () => {
    const { X, y } = logisticProblem(500, [2, -1], 0, 4);
    const strong = new LogisticRegression({ C: 0.001 }).fit(X, y).coefficients().coef;
    const weak = new LogisticRegression({ C: 100 }).fit(X, y).coefficients().coef;
    expect(Math.abs(strong[0])).toBeLessThan(Math.abs(weak[0]) / 2);
  });

  it("'balanced' class weights raise the minority class's predicted share", () => {
    const { X, y } = logisticProblem(2_000, [1], -2.5, 5);
    const mean = (p: Float64Array): number => p.reduce((a, b) => a + b, 0) / p.length;
    const plain = mean(new LogisticRegression().fit(X, y).predictProba(X));
    const balanced = mean(
      new LogisticRegression({ classWeight: 'balanced' }).fit(X, y).predictProba(X),
    );
    expect(balanced).toBeGreaterThan(plain + 0.2);
    const mapped = mean(
      new LogisticRegression({ classWeight: { '0': 1, '1': 5 } }).fit(X, y).predictProba(X),
    );
    expect(mapped).toBeGreaterThan(plain);
  });

  it('warns in `warnings`, not on the console, when it does not converge', () => {
    const { X, y } = logisticProblem(500, [2, -1], 0, 6);
    const model = new LogisticRegression({ maxIter: 1, tol: 1e-12 }).fit(X, y);
    expect(model.warnings.join()).toMatch(/did not converge in 1 iterations/);
    expect(model.convergence.converged).toBe(false);
  });

  it('fits without an intercept when asked', () => {
    const { X, y } = logisticProblem(300, [1], 1, 7);
    expect(new LogisticRegression({ fitIntercept: false }).fit(X, y).coefficients().intercept).toBe(
      0,
    );
  });

  it('copes with collinear one-hot columns and no penalty', () => {
    const a = Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const b = a.map((v) => 1 - v);
    const X = matrixFromColumns([a, b], ['g=a', 'g=b']);
    const y = Uint8Array.from({ length: 40 }, (_, i) => (i % 4 < 3 ? 1 : 0));
    const p = new LogisticRegression({ penalty: 'none' }).fit(X, y).predictProba(X);
    expect(p.every(Number.isFinite)).toBe(true);
  });

  it('explains predictions: base + Σ contributions = log-odds, one-hot groups summed', () => {
    const { X: numeric, y } = logisticProblem(300, [1, -1], 0.2, 8);
    const groupA = Float64Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const groupB = groupA.map((v) => 1 - v);
    const X = matrixFromColumns(
      [column(numeric, 0), column(numeric, 1), groupA, groupB],
      ['x0', 'x1', 'city=a', 'city=b'],
    );
    const model = new LogisticRegression().fit(X, y);
    const { base, values } = model.contributions(X);
    expect(values.columnNames).toEqual(['x0', 'x1', 'city']);
    const z = model.decisionFunction(X);
    for (const i of [0, 1, 150, 299]) {
      const total = base + values.data[i] + values.data[300 + i] + values.data[600 + i];
      expect(total).toBeCloseTo(z[i], 10);
    }
    // x0 has a positive coefficient: a larger x0 contributes more.
    const order = [0, 1].sort((a, b) => column(X, 0)[a] - column(X, 0)[b]);
    expect(values.data[order[1]]).toBeGreaterThan(values.data[order[0]]);
  });
});
