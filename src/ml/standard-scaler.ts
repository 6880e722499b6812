import { z } from 'zod';
import {
  BaseEstimator,
  assertFinite,
  assertSameColumns,
  notFiniteError,
  type EstimatorJson,
  type Labels,
  type RowTransform,
  type Transformer,
} from './estimator.js';
import { DomainError } from '../errors.js';
import { asMatrix, type TabularInput } from './frame.js';
import { createMatrix, type Matrix } from './matrix.js';
import { numericRowInput, type RowColumn } from './row.js';

const paramsSchema = z.strictObject({ withMean: z.boolean(), withStd: z.boolean() });
export type StandardScalerParams = z.infer<typeof paramsSchema>;

interface StandardScalerState {
  columnNames: string[];
  mean: number[];
  /** Population standard deviation; 1 for constant columns so they pass through centred. */
  scale: number[];
}

/**
 * Centres each column on its mean and divides by its standard deviation, as scikit-learn's
 * StandardScaler (population variance; constant columns keep scale 1).
 */
export class StandardScaler
  extends BaseEstimator<StandardScalerParams, StandardScalerState>
  implements Transformer
{
  readonly kind = 'StandardScaler';

  constructor(params: Partial<StandardScalerParams> = {}) {
    super({ withMean: true, withStd: true }, params, paramsSchema);
  }

  fit(X: TabularInput, _y?: Labels): this {
    const { withMean, withStd } = this.validatedParams();
    const matrix = asMatrix(X, this.kind);
    if (matrix.rows === 0) throw DomainError.invalid(`${this.kind}: cannot fit on 0 rows`);
    assertFinite(matrix, this.kind);
    const mean: number[] = [];
    const scale: number[] = [];
    for (let j = 0; j < matrix.cols; j++) {
      const values = matrix.data.subarray(j * matrix.rows, (j + 1) * matrix.rows);
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += values[i];
      const mu = sum / values.length;
      let squares = 0;
      for (let i = 0; i < values.length; i++) squares += (values[i] - mu) ** 2;
      const sd = Math.sqrt(squares / values.length);
      mean.push(withMean ? mu : 0);
      // A relative threshold, because a constant column's computed variance is rounding noise.
      scale.push(withStd && sd > 1e-12 * Math.max(1, Math.abs(mu)) ? sd : 1);
    }
    this.state = { columnNames: [...matrix.columnNames], mean, scale };
    return this;
  }

  transform(X: TabularInput): Matrix {
    const state = this.fittedState();
    const matrix = asMatrix(X, this.kind);
    assertSameColumns(state.columnNames, matrix.columnNames, this.kind);
    assertFinite(matrix, this.kind);
    const out = createMatrix(matrix.rows, matrix.columnNames);
    for (let j = 0; j < matrix.cols; j++) {
      const mu = state.mean[j];
      const sd = state.scale[j];
      for (let k = j * matrix.rows, end = k + matrix.rows; k < end; k++)
        out.data[k] = (matrix.data[k] - mu) / sd;
    }
    return out;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    return this.fit(X, y).transform(X);
  }

  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    const { columnNames, mean, scale } = this.fittedState();
    const at = numericRowInput(columns, columnNames, this.kind);
    const mu = Float64Array.from(mean);
    const sd = Float64Array.from(scale);
    const kind = this.kind;
    return {
      columnNames: [...columnNames],
      write(row, out, offset) {
        for (let j = 0; j < at.length; j++) {
          const value = row[at[j]] as number;
          if (!Number.isFinite(value)) throw notFiniteError(kind, columnNames[j], 0, value);
          out[offset + j] = (value - mu[j]) / sd[j];
        }
      },
    };
  }

  static fromJSON(json: EstimatorJson): StandardScaler {
    return new StandardScaler(json.params as StandardScalerParams).withStateOf(json);
  }
}
