import { z } from 'zod';
import {
  BaseEstimator,
  assertFinite,
  assertSameColumns,
  notFiniteError,
  validateLabels,
  validateWeights,
  type Classifier,
  type Contributions,
  type EstimatorJson,
  type Labels,
  type RowScore,
  type RowScorer,
} from './estimator.js';
import { DomainError } from '../errors.js';
import { featureGroups, groupRuns } from './feature-groups.js';
import { asMatrix, type TabularInput } from './frame.js';
import { choleskySolve, sigmoid, softplus } from './linear-algebra.js';
import { createMatrix, type Matrix } from './matrix.js';
import { numericCells, numericRowInput, type RowColumn } from './row.js';

const classWeightSchema = z.union([
  z.null(),
  z.literal('balanced'),
  z.strictObject({ '0': z.number().positive().finite(), '1': z.number().positive().finite() }),
]);

const paramsSchema = z.strictObject({
  /** Inverse L2 strength, as scikit-learn: minimises C·Σ wᵢ·lossᵢ + ½‖β‖². */
  C: z.number().positive().finite(),
  penalty: z.enum(['l2', 'none']),
  /** null (all 1), 'balanced' (n / (2·n_class)) or `{ '0': w0, '1': w1 }`. */
  classWeight: classWeightSchema,
  fitIntercept: z.boolean(),
  /** Converged when the largest gradient component of the mean loss is ≤ tol. */
  tol: z.number().positive().finite(),
  maxIter: z.number().int().positive(),
});
export type LogisticRegressionParams = z.infer<typeof paramsSchema>;

interface LogisticRegressionState {
  columnNames: string[];
  coef: number[];
  intercept: number;
  /** Training means of the inputs: contributions are measured from the average respondent. */
  featureMeans: number[];
  nIter: number;
  converged: boolean;
  warnings: string[];
}

const DEFAULTS: LogisticRegressionParams = {
  C: 1,
  penalty: 'l2',
  classWeight: null,
  fitIntercept: true,
  tol: 1e-4,
  maxIter: 100,
};

/**
 * Binary logistic regression with an L2 penalty, fitted by Newton's method (IRLS) with a
 * Cholesky solve and a backtracking line search. The Hessian is accumulated row by row over
 * the non-zero inputs only, because one-hot columns make most of the matrix zero.
 * @example new LogisticRegression({ C: 1, classWeight: 'balanced' }).fit(X, y).predictProba(X)
 */
export class LogisticRegression
  extends BaseEstimator<LogisticRegressionParams, LogisticRegressionState>
  implements Classifier
{
  readonly kind = 'LogisticRegression';

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super(DEFAULTS, params, paramsSchema);
  }

  get warnings(): readonly string[] {
    return this.state?.warnings ?? [];
  }

  /** Iterations used by the last fit and whether the solver met `tol`. */
  get convergence(): { nIter: number; converged: boolean } {
    const { nIter, converged } = this.fittedState();
    return { nIter, converged };
  }

  /** The fitted coefficients by input column, and the intercept. */
  coefficients(): { columnNames: string[]; coef: number[]; intercept: number } {
    const { columnNames, coef, intercept } = this.fittedState();
    return { columnNames: [...columnNames], coef: [...coef], intercept };
  }

  fit(X: TabularInput, y?: Labels, sampleWeight?: ArrayLike<number>): this {
    const params = this.validatedParams();
    const matrix = asMatrix(X, this.kind);
    assertFinite(matrix, this.kind);
    const labels = validateLabels(y, matrix.rows, this.kind);
    const rowWeights = validateWeights(sampleWeight, matrix.rows, this.kind);
    const weights = sampleWeights(labels, params.classWeight);
    if (rowWeights) for (let i = 0; i < weights.length; i++) weights[i] *= rowWeights[i];
    this.state = solveNewton(matrix, labels, weights, params);
    return this;
  }

  /** Log-odds of class 1 per row. */
  decisionFunction(X: TabularInput): Float64Array {
    const state = this.fittedState();
    const matrix = this.checkedInput(X);
    const z = new Float64Array(matrix.rows).fill(state.intercept);
    for (let j = 0; j < matrix.cols; j++) {
      const beta = state.coef[j];
      if (beta === 0) continue;
      const offset = j * matrix.rows;
      for (let i = 0; i < matrix.rows; i++) z[i] += beta * matrix.data[offset + i];
    }
    return z;
  }

  predictProba(X: TabularInput): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /**
   * Per-feature log-odds contributions `coef × (x − training mean)`, summed over a one-hot
   * group. With standardised inputs this is coef × standardised value; `base` is the log-odds
   * of the average respondent, so base + Σ contributions = decisionFunction.
   */
  contributions(X: TabularInput): Contributions {
    const state = this.fittedState();
    const matrix = this.checkedInput(X);
    const { features, groupOf } = featureGroups(state.columnNames);
    const values = createMatrix(matrix.rows, features);
    let base = state.intercept;
    for (let j = 0; j < matrix.cols; j++) {
      const beta = state.coef[j];
      const mean = state.featureMeans[j];
      base += beta * mean;
      const src = j * matrix.rows;
      const dst = groupOf[j] * matrix.rows;
      for (let i = 0; i < matrix.rows; i++)
        values.data[dst + i] += beta * (matrix.data[src + i] - mean);
    }
    return { base, values };
  }

  compileRowScorer(columns: readonly RowColumn[]): RowScorer {
    const state = this.fittedState();
    const cellsOf = numericCells(numericRowInput(columns, state.columnNames, this.kind));
    const { columnNames, intercept } = state;
    const coef = Float64Array.from(state.coef);
    const means = Float64Array.from(state.featureMeans);
    const { features, groupOf } = featureGroups(columnNames);
    const runs = groupRuns(groupOf);
    // As in contributions: the intercept plus Σ coef·mean, in column order.
    let base = intercept;
    for (let j = 0; j < coef.length; j++) base += coef[j] * means[j];
    const result: RowScore = {
      probability: 0,
      base,
      contributions: new Float64Array(features.length),
    };
    const kind = this.kind;
    return {
      features,
      score(row) {
        const x = cellsOf(row);
        // decisionFunction, then contributions, with their order of additions. The check of
        // assertFinite rides in the second loop, which reads every cell anyway; nothing is
        // returned before it has passed.
        let z = intercept;
        for (let j = 0; j < coef.length; j++) {
          const beta = coef[j];
          if (beta === 0) continue;
          z += beta * x[j];
        }
        const contributions = result.contributions;
        // contributions[groupOf[j]] += coef[j]·(x[j] − mean[j]) column by column from 0, as
        // the batch path adds them, with each run of a group's columns summed in a register
        // (storing back per column took 228 ns a record on the shipped model, this 145).
        for (let r = 0; r < runs.group.length; r++) {
          const group = runs.group[r];
          let sum = runs.first[r] === 1 ? 0 : contributions[group];
          for (let j = runs.start[r], end = runs.start[r + 1]; j < end; j++) {
            const value = x[j];
            if (!Number.isFinite(value)) throw notFiniteError(kind, columnNames[j], 0, value);
            sum += coef[j] * (value - means[j]);
          }
          contributions[group] = sum;
        }
        result.probability = sigmoid(z);
        result.base = base;
        return result;
      },
    };
  }

  static fromJSON(json: EstimatorJson): LogisticRegression {
    return new LogisticRegression(json.params as LogisticRegressionParams).withStateOf(json);
  }

  private checkedInput(X: TabularInput): Matrix {
    const matrix = asMatrix(X, this.kind);
    assertSameColumns(this.fittedState().columnNames, matrix.columnNames, this.kind);
    assertFinite(matrix, this.kind);
    return matrix;
  }
}

function sampleWeights(
  labels: Uint8Array,
  classWeight: LogisticRegressionParams['classWeight'],
): Float64Array {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  let w0 = 1;
  let w1 = 1;
  if (classWeight === 'balanced') {
    w0 = n / (2 * (n - positives));
    w1 = n / (2 * positives);
  } else if (classWeight !== null) {
    w0 = classWeight['0'];
    w1 = classWeight['1'];
  }
  return Float64Array.from(labels, (label) => (label === 1 ? w1 : w0));
}

/** The non-zero entries of each row (CSR), built once per fit. */
interface SparseRows {
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

function sparseRows(matrix: Matrix): SparseRows {
  const { rows, cols, data } = matrix;
  const start = new Int32Array(rows + 1);
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    for (let i = 0; i < rows; i++) if (data[offset + i] !== 0) start[i + 1]++;
  }
  for (let i = 0; i < rows; i++) start[i + 1] += start[i];
  const fill = start.slice(0, rows);
  const index = new Int32Array(start[rows]);
  const value = new Float64Array(start[rows]);
  // Columns in ascending order, so each row's entries come out sorted by column.
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    for (let i = 0; i < rows; i++) {
      const v = data[offset + i];
      if (v !== 0) {
        index[fill[i]] = j;
        value[fill[i]++] = v;
      }
    }
  }
  return { start, index, value };
}

/**
 * Minimises the weighted mean log-loss + ‖β‖² / (2·C·Σw) (the scikit-learn objective divided
 * by C·Σw, which keeps `tol` independent of the sample size). The intercept, stored as the
 * last parameter, is not penalised.
 */
function solveNewton(
  matrix: Matrix,
  labels: Uint8Array,
  weights: Float64Array,
  params: LogisticRegressionParams,
): LogisticRegressionState {
  const n = matrix.rows;
  const p = matrix.cols;
  const size = p + 1; // coefficients, then the intercept
  const rows = sparseRows(matrix);
  let totalWeight = 0;
  let weightedPositives = 0;
  for (let i = 0; i < n; i++) {
    totalWeight += weights[i];
    weightedPositives += weights[i] * labels[i];
  }
  const ridge = params.penalty === 'l2' ? 1 / (params.C * totalWeight) : 0;
  const theta = new Float64Array(size);
  if (params.fitIntercept)
    theta[p] = Math.log(weightedPositives / (totalWeight - weightedPositives));

  const z = new Float64Array(n);
  const { start: rowStart, index: rowIndex, value: rowValue } = rows;
  const linearPredictor = (t: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sum = t[p];
      for (let e = rowStart[i], end = rowStart[i + 1]; e < end; e++)
        sum += rowValue[e] * t[rowIndex[e]];
      z[i] = sum;
    }
  };
  const objective = (t: Float64Array): number => {
    linearPredictor(t);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += weights[i] * (softplus(z[i]) - labels[i] * z[i]);
    let penalty = 0;
    for (let j = 0; j < p; j++) penalty += t[j] * t[j];
    return loss / totalWeight + 0.5 * ridge * penalty;
  };

  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  const warnings: string[] = [];
  let current = objective(theta);
  let converged = false;
  let nIter = 0;
  let maxGradient = Number.POSITIVE_INFINITY;
  for (; nIter <= params.maxIter; nIter++) {
    // z holds the linear predictor of theta (objective() was last called on it).
    accumulateNewtonSystem(rows, z, labels, weights, totalWeight, gradient, hessian);
    for (let j = 0; j < p; j++) {
      gradient[j] += ridge * theta[j];
      hessian[j * size + j] += ridge;
    }
    if (!params.fitIntercept) {
      gradient[p] = 0;
      for (let j = 0; j < size; j++) hessian[j * size + p] = 0;
      hessian[p * size + p] = 1;
    }
    // Only the upper triangle was accumulated; mirror it for the solver, which reads the lower.
    for (let a = 0; a < size; a++)
      for (let b = a + 1; b < size; b++) hessian[b * size + a] = hessian[a * size + b];

    maxGradient = 0;
    for (let j = 0; j < size; j++) maxGradient = Math.max(maxGradient, Math.abs(gradient[j]));
    if (maxGradient <= params.tol) {
      converged = true;
      break;
    }
    if (nIter === params.maxIter) break;

    const step = solveRegularised(hessian, size, gradient);
    let directional = 0;
    for (let j = 0; j < size; j++) directional += gradient[j] * step[j];
    const candidate = new Float64Array(size);
    let stepSize = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 40; halvings++, stepSize /= 2) {
      for (let j = 0; j < size; j++) candidate[j] = theta[j] - stepSize * step[j];
      const value = objective(candidate);
      if (value <= current - 1e-4 * stepSize * directional) {
        theta.set(candidate);
        current = value;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      linearPredictor(theta);
      warnings.push(
        `line search failed to decrease the loss at iteration ${nIter + 1} (max |gradient| ${maxGradient.toExponential(3)})`,
      );
      break;
    }
  }
  if (!converged && warnings.length === 0) {
    warnings.push(
      `did not converge in ${params.maxIter} iterations: max |gradient| ${maxGradient.toExponential(3)} > tol ${params.tol}; raise maxIter or scale the inputs`,
    );
  }
  const featureMeans = matrix.columnNames.map((_, j) => {
    let sum = 0;
    for (let i = 0, offset = j * n; i < n; i++) sum += matrix.data[offset + i];
    return sum / n;
  });
  if (theta.some((v) => !Number.isFinite(v)))
    throw DomainError.invalid('LogisticRegression: the solver diverged');
  return {
    columnNames: [...matrix.columnNames],
    coef: Array.from(theta.subarray(0, p)),
    intercept: theta[p],
    featureMeans,
    nIter,
    converged,
    warnings,
  };
}

/**
 * Gradient and (upper-triangle) Hessian of the mean weighted log-loss at the linear
 * predictor z, accumulated row by row over each row's non-zero inputs; the intercept is the
 * last parameter. A separate small function so the JIT optimises this hot loop early.
 */
function accumulateNewtonSystem(
  rows: SparseRows,
  z: Float64Array,
  labels: Uint8Array,
  weights: Float64Array,
  totalWeight: number,
  gradient: Float64Array,
  hessian: Float64Array,
): void {
  const { start, index, value } = rows;
  const size = gradient.length;
  const intercept = size - 1;
  gradient.fill(0);
  hessian.fill(0);
  for (let i = 0; i < z.length; i++) {
    const prob = sigmoid(z[i]);
    const residual = (weights[i] * (prob - labels[i])) / totalWeight;
    const curvature = (weights[i] * prob * (1 - prob)) / totalWeight;
    const begin = start[i];
    const end = start[i + 1];
    for (let a = begin; a < end; a++) {
      const ja = index[a];
      const va = value[a];
      gradient[ja] += residual * va;
      const scaled = curvature * va;
      const rowOffset = ja * size;
      for (let b = a; b < end; b++) hessian[rowOffset + index[b]] += scaled * value[b];
      hessian[rowOffset + intercept] += scaled;
    }
    gradient[intercept] += residual;
    hessian[intercept * size + intercept] += curvature;
  }
}

/** Solves H d = g, adding a growing ridge when H is singular (e.g. no penalty on collinear one-hot columns). */
function solveRegularised(
  hessian: Float64Array,
  size: number,
  gradient: Float64Array,
): Float64Array {
  let largestDiagonal = 0;
  for (let j = 0; j < size; j++) largestDiagonal = Math.max(largestDiagonal, hessian[j * size + j]);
  let jitter = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const matrix = jitter === 0 ? hessian : hessian.slice();
    if (jitter > 0) for (let j = 0; j < size; j++) matrix[j * size + j] += jitter;
    const solution = choleskySolve(matrix, size, gradient);
    if (solution) return solution;
    jitter = jitter === 0 ? 1e-10 * Math.max(largestDiagonal, 1e-12) : jitter * 10;
  }
  throw DomainError.invalid(
    'LogisticRegression: the Hessian is not positive definite even after regularisation',
  );
}
