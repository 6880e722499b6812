import { matrixFromColumns, type Matrix } from '../matrix.js';
import { sigmoid } from '../linear-algebra.js';
import { SeededRandom } from '../random.js';

/** Standard normal draws (Box–Muller) from a seeded PRNG. */
export function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A numeric classification problem with a known logistic truth: columns x0…x(k−1) standard
 * normal, P(y = 1) = σ(intercept + Σ coef_j x_j).
 */
export function logisticProblem(
  rows: number,
  coef: readonly number[],
  intercept: number,
  seed = 1,
): { X: Matrix; y: Uint8Array } {
  const random = new SeededRandom(seed);
  const columns = coef.map(() => new Float64Array(rows));
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = intercept;
    coef.forEach((beta, j) => {
      const x = gaussian(random);
      columns[j][i] = x;
      z += beta * x;
    });
    y[i] = random.next() < sigmoid(z) ? 1 : 0;
  }
  return {
    X: matrixFromColumns(
      columns,
      coef.map((_, j) => `x${j}`),
    ),
    y,
  };
}
