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
import { categoricalColumns, translateLevels } from './categorical-input.js';
import type { TabularInput } from './frame.js';
import { createMatrix, type Matrix } from './matrix.js';
import { categoricalRowInput, type RowColumn } from './row.js';

const paramsSchema = z.strictObject({
  /**
   * Categories seen fewer times than this at fit are grouped into one `other` column. A value
   * below 1 is a fraction of the rows; 0 keeps every category.
   */
  minFrequency: z.number().finite().min(0),
  /** Name of the grouped column's level (`feature=other`). */
  infrequentName: z.string().min(1),
});
export type OneHotEncoderParams = z.infer<typeof paramsSchema>;

interface ColumnCategories {
  name: string;
  /** Categories with their own indicator column, sorted. */
  frequent: string[];
  /** Categories seen at fit but grouped into the `other` column, sorted. */
  infrequent: string[];
}

interface OneHotEncoderState {
  columns: ColumnCategories[];
}

/**
 * One indicator column per category (`feature=level`). Rare categories share one
 * `feature=other` column; a category never seen at fit, and a missing value, encode as all
 * zeros — transform never throws on new levels, because a survey answer the training data
 * never saw must still be scored.
 */
export class OneHotEncoder
  extends BaseEstimator<OneHotEncoderParams, OneHotEncoderState>
  implements Transformer
{
  readonly kind = 'OneHotEncoder';

  constructor(params: Partial<OneHotEncoderParams> = {}) {
    super({ minFrequency: 0, infrequentName: 'other' }, params, paramsSchema);
  }

  fit(X: TabularInput, _y?: Labels): this {
    const { minFrequency, infrequentName } = this.validatedParams();
    const { rows, columns } = categoricalColumns(X, this.kind);
    if (rows === 0) throw DomainError.invalid(`${this.kind}: cannot fit on 0 rows`);
    const threshold = minFrequency < 1 ? minFrequency * rows : minFrequency;
    this.state = {
      columns: columns.map((col) => {
        const counts = new Float64Array(col.levels.length);
        for (let i = 0; i < rows; i++) if (col.codes[i] >= 0) counts[col.codes[i]]++;
        const frequent: string[] = [];
        const infrequent: string[] = [];
        col.levels.forEach((level, code) => {
          if (counts[code] === 0) return;
          (counts[code] >= threshold ? frequent : infrequent).push(level);
        });
        if (infrequent.length > 0 && frequent.includes(infrequentName)) {
          throw DomainError.invalid(
            `${this.kind}: column ${col.name} has a real level named "${infrequentName}"; choose another infrequentName`,
          );
        }
        return {
          name: col.name,
          frequent: frequent.sort(byCodePoint),
          infrequent: infrequent.sort(byCodePoint),
        };
      }),
    };
    return this;
  }

  /** The output column names, `feature=level`, in output order. */
  outputColumnNames(): string[] {
    const { infrequentName } = this.params;
    return this.fittedState().columns.flatMap((col) => [
      ...col.frequent.map((level) => `${col.name}=${level}`),
      ...(col.infrequent.length > 0 ? [`${col.name}=${infrequentName}`] : []),
    ]);
  }

  transform(X: TabularInput): Matrix {
    const state = this.fittedState();
    const { rows, columns } = categoricalColumns(X, this.kind);
    assertSameColumns(
      state.columns.map((col) => col.name),
      columns.map((col) => col.name),
      this.kind,
    );
    const out = createMatrix(rows, this.outputColumnNames());
    let firstOutput = 0;
    columns.forEach((col, j) => {
      const { frequent, infrequent } = state.columns[j];
      const position = new Map(frequent.map((level, k) => [level, k]));
      const rare = new Set(infrequent);
      const translation = translateLevels(
        col,
        (level) => position.get(level) ?? (rare.has(level) ? frequent.length : -1),
      );
      for (let i = 0; i < rows; i++) {
        const code = col.codes[i];
        const k = code < 0 ? -1 : translation[code];
        if (k >= 0) out.data[(firstOutput + k) * rows + i] = 1;
      }
      firstOutput += frequent.length + (infrequent.length > 0 ? 1 : 0);
    });
    return out;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    return this.fit(X, y).transform(X);
  }

  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    const state = this.fittedState();
    const at = categoricalRowInput(
      columns,
      state.columns.map((col) => col.name),
      this.kind,
    );
    // Per input column, each level's output position; rare levels share their `other` column.
    let firstOutput = 0;
    const positions = state.columns.map(({ frequent, infrequent }) => {
      const position = new Map(frequent.map((level, k) => [level, firstOutput + k]));
      for (const level of infrequent) position.set(level, firstOutput + frequent.length);
      firstOutput += frequent.length + (infrequent.length > 0 ? 1 : 0);
      return position;
    });
    const width = firstOutput;
    return {
      columnNames: this.outputColumnNames(),
      write(row, out, offset) {
        for (let k = 0; k < width; k++) out[offset + k] = 0;
        for (let j = 0; j < at.length; j++) {
          // Unseen and missing levels stay all zeros, as in transform.
          const k = positions[j].get(row[at[j]] as string);
          if (k !== undefined) out[offset + k] = 1;
        }
      },
    };
  }

  static fromJSON(json: EstimatorJson): OneHotEncoder {
    return new OneHotEncoder(json.params as OneHotEncoderParams).withStateOf(json);
  }
}

/** Locale-independent ordering, so the column order never depends on the machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
