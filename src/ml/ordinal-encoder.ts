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
import { SLEEP_HOURS } from './features.js';
import { categoricalColumns } from './categorical-input.js';
import type { TabularInput } from './frame.js';
import { createMatrix, type Matrix } from './matrix.js';
import { categoricalRowInput, type RowColumn } from './row.js';

const paramsSchema = z.strictObject({
  /** Per column, the number each level stands for; null means "missing" (imputed later). */
  mappings: z.record(z.string(), z.record(z.string(), z.number().finite().nullable())),
  /** A level absent from the mapping becomes missing, or is an error. */
  handleUnknown: z.enum(['missing', 'error']),
});
export type OrdinalEncoderParams = z.infer<typeof paramsSchema>;

interface OrdinalEncoderState {
  columnNames: string[];
}

/**
 * Maps ordered categories to numbers with a fixed, declared mapping — by default sleep
 * duration bands to hours. Missing and unmapped levels become NaN for an imputer to fill.
 */
export class OrdinalEncoder
  extends BaseEstimator<OrdinalEncoderParams, OrdinalEncoderState>
  implements Transformer
{
  readonly kind = 'OrdinalEncoder';

  constructor(params: Partial<OrdinalEncoderParams> = {}) {
    super(
      { mappings: { sleep_duration: { ...SLEEP_HOURS } }, handleUnknown: 'missing' },
      params,
      paramsSchema,
    );
  }

  fit(X: TabularInput, _y?: Labels): this {
    const { mappings } = this.validatedParams();
    const { columns } = categoricalColumns(X, this.kind);
    for (const col of columns) {
      if (!Object.hasOwn(mappings, col.name))
        throw DomainError.invalid(`${this.kind}: no mapping for column ${col.name}`);
    }
    this.state = { columnNames: columns.map((col) => col.name) };
    return this;
  }

  transform(X: TabularInput): Matrix {
    const state = this.fittedState();
    const { mappings, handleUnknown } = this.validatedParams();
    const { rows, columns } = categoricalColumns(X, this.kind);
    assertSameColumns(
      state.columnNames,
      columns.map((col) => col.name),
      this.kind,
    );
    const out = createMatrix(rows, state.columnNames);
    columns.forEach((col, j) => {
      const mapping = mappings[col.name];
      const values = Float64Array.from(col.levels, (level) => {
        const value = Object.hasOwn(mapping, level) ? mapping[level] : undefined;
        if (value === undefined && handleUnknown === 'error') {
          throw DomainError.invalid(`${this.kind}: unknown level "${level}" in column ${col.name}`);
        }
        return value ?? Number.NaN;
      });
      const offset = j * rows;
      for (let i = 0; i < rows; i++) {
        const code = col.codes[i];
        out.data[offset + i] = code < 0 ? Number.NaN : values[code];
      }
    });
    return out;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    return this.fit(X, y).transform(X);
  }

  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    const { columnNames } = this.fittedState();
    const { mappings, handleUnknown } = this.validatedParams();
    const at = categoricalRowInput(columns, columnNames, this.kind);
    // A level → number table per column; a level mapped to null is missing (NaN), as in transform.
    const tables = columnNames.map((name) => {
      if (!Object.hasOwn(mappings, name))
        throw DomainError.invalid(`${this.kind}: no mapping for column ${name}`);
      return new Map(
        Object.entries(mappings[name]).map(([level, value]) => [level, value ?? Number.NaN]),
      );
    });
    const kind = this.kind;
    return {
      columnNames: [...columnNames],
      write(row, out, offset) {
        for (let j = 0; j < at.length; j++) {
          const level = row[at[j]];
          if (level === null) {
            out[offset + j] = Number.NaN;
            continue;
          }
          const value = tables[j].get(level as string);
          if (value === undefined && handleUnknown === 'error')
            throw DomainError.invalid(
              `${kind}: unknown level "${String(level)}" in column ${columnNames[j]}`,
            );
          out[offset + j] = value ?? Number.NaN;
        }
      },
    };
  }

  static fromJSON(json: EstimatorJson): OrdinalEncoder {
    return new OrdinalEncoder(json.params as OrdinalEncoderParams).withStateOf(json);
  }
}
