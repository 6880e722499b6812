import { z } from 'zod';
import {
  BaseEstimator,
  assertSameColumns,
  type EstimatorJson,
  type Labels,
  type RowTransform,
  type Transformer,
} from './estimator.js';
import { DomainError } from '../errors.js';
import { asMatrix, type TabularInput } from './frame.js';
import { createMatrix, type Matrix } from './matrix.js';
import { numericRowInput, type RowColumn } from './row.js';

const paramsSchema = z.strictObject({ strategy: z.enum(['median', 'most_frequent']) });
export type SimpleImputerParams = z.infer<typeof paramsSchema>;

interface SimpleImputerState {
  columnNames: string[];
  /** The value that replaces NaN, per column. */
  statistics: number[];
}

/**
 * Replaces missing values (NaN) in numeric columns by the column's median or most frequent
 * value learnt at fit (ties go to the smallest value, as in scikit-learn).
 * @example new SimpleImputer({ strategy: 'median' }).fitTransform(matrix)
 */
export class SimpleImputer
  extends BaseEstimator<SimpleImputerParams, SimpleImputerState>
  implements Transformer
{
  readonly kind = 'SimpleImputer';

  constructor(params: Partial<SimpleImputerParams> = {}) {
    super({ strategy: 'median' }, params, paramsSchema);
  }

  fit(X: TabularInput, _y?: Labels): this {
    const { strategy } = this.validatedParams();
    const matrix = asMatrix(X, this.kind);
    if (matrix.rows === 0) throw DomainError.invalid(`${this.kind}: cannot fit on 0 rows`);
    const statistics = matrix.columnNames.map((name, j) => {
      const present = matrix.data
        .subarray(j * matrix.rows, (j + 1) * matrix.rows)
        .filter((v) => !Number.isNaN(v));
      if (present.some((v) => !Number.isFinite(v)))
        throw DomainError.invalid(`${this.kind}: column ${name} holds an infinite value`);
      if (present.length === 0)
        throw DomainError.invalid(
          `${this.kind}: column ${name} has no observed values to impute from`,
        );
      return strategy === 'median' ? median(present) : mostFrequent(present);
    });
    this.state = { columnNames: [...matrix.columnNames], statistics };
    return this;
  }

  transform(X: TabularInput): Matrix {
    const state = this.fittedState();
    const matrix = asMatrix(X, this.kind);
    assertSameColumns(state.columnNames, matrix.columnNames, this.kind);
    const out = createMatrix(matrix.rows, matrix.columnNames);
    out.data.set(matrix.data);
    for (let j = 0; j < matrix.cols; j++) {
      const fill = state.statistics[j];
      for (let k = j * matrix.rows, end = k + matrix.rows; k < end; k++) {
        if (Number.isNaN(out.data[k])) out.data[k] = fill;
        else if (!Number.isFinite(out.data[k]))
          throw DomainError.invalid(
            `${this.kind}: column ${matrix.columnNames[j]} holds an infinite value`,
          );
      }
    }
    return out;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    return this.fit(X, y).transform(X);
  }

  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    const { columnNames, statistics } = this.fittedState();
    const at = numericRowInput(columns, columnNames, this.kind);
    const fill = Float64Array.from(statistics);
    const kind = this.kind;
    return {
      columnNames: [...columnNames],
      write(row, out, offset) {
        for (let j = 0; j < at.length; j++) {
          const value = row[at[j]] as number;
          if (Number.isNaN(value)) out[offset + j] = fill[j];
          else if (Number.isFinite(value)) out[offset + j] = value;
          else
            throw DomainError.invalid(`${kind}: column ${columnNames[j]} holds an infinite value`);
        }
      },
    };
  }

  static fromJSON(json: EstimatorJson): SimpleImputer {
    return new SimpleImputer(json.params as SimpleImputerParams).withStateOf(json);
  }
}

function median(values: Float64Array): number {
  const sorted = values.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mostFrequent(values: Float64Array): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.POSITIVE_INFINITY;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
