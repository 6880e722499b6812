import { z } from 'zod';
import { checkStepNames, flattenParams, routeParams } from './composite-params.js';
import {
  checkJson,
  SCHEMA_VERSION,
  type EstimatorJson,
  type Labels,
  type Params,
  type RowTransform,
  type Transformer,
} from './estimator.js';
import { DomainError } from '../errors.js';
import { notFitted } from './errors.js';
import { asFrame, asMatrix, selectColumns, type TabularInput } from './frame.js';
import { hstack, type Matrix } from './matrix.js';
import { estimatorFromJSON } from './estimator-revival.js';
import type { RowColumn } from './row.js';

const paramsSchema = z.strictObject({ remainder: z.enum(['drop', 'passthrough']) });
export type ColumnTransformerParams = z.infer<typeof paramsSchema>;

/** `[name, transformer, input columns]`, as in scikit-learn. */
export type ColumnTransformerEntry = readonly [
  name: string,
  transformer: Transformer,
  columns: readonly string[],
];

interface ColumnTransformerFitted {
  /** Numeric columns passed through unchanged when `remainder` is `passthrough`. */
  remainderColumns: string[];
  outputColumns: string[];
}

/**
 * Applies each transformer to its own columns of the input and places the outputs side by
 * side. Output columns keep the transformers' names (no prefix), so a model input column
 * can be traced back to its feature.
 */
export class ColumnTransformer implements Transformer {
  readonly kind = 'ColumnTransformer';
  private params: ColumnTransformerParams;
  private readonly entries: ColumnTransformerEntry[];
  private fitted: ColumnTransformerFitted | null = null;

  constructor(
    entries: readonly ColumnTransformerEntry[],
    params: Partial<ColumnTransformerParams> = {},
  ) {
    checkStepNames(
      this.kind,
      entries.map(([name]) => name),
    );
    this.entries = entries.map(
      ([name, transformer, columns]) => [name, transformer, [...columns]] as const,
    );
    this.params = { remainder: 'drop', ...params };
  }

  get isFitted(): boolean {
    return this.fitted !== null && this.entries.every(([, transformer]) => transformer.isFitted);
  }

  /** The transformer registered under `name`. */
  transformer(name: string): Transformer {
    const entry = this.entries.find(([entryName]) => entryName === name);
    if (!entry) throw DomainError.invalid(`${this.kind} has no transformer "${name}"`);
    return entry[1];
  }

  getParams(): Params {
    return flattenParams(
      { ...this.params },
      this.entries.map(([name, transformer]) => [name, transformer] as const),
    );
  }

  setParams(params: Params): this {
    const { own, byChild } = routeParams(
      this.kind,
      params,
      this.entries.map(([name]) => name),
    );
    for (const key of Object.keys(own)) {
      if (!(key in this.params))
        throw DomainError.invalid(`${this.kind} has no hyperparameter "${key}"`);
    }
    this.params = { ...this.params, ...(own as Partial<ColumnTransformerParams>) };
    for (const [name, updates] of byChild) this.transformer(name).setParams(updates);
    return this;
  }

  fit(X: TabularInput, y?: Labels): this {
    this.fitTransform(X, y);
    return this;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    const parsed = paramsSchema.safeParse(this.params);
    if (!parsed.success)
      throw DomainError.invalid(
        `${this.kind}: invalid hyperparameters: ${z.prettifyError(parsed.error)}`,
      );
    const frame = asFrame(X, this.kind);
    const used = new Set(this.entries.flatMap(([, , columns]) => columns));
    const remainderColumns =
      parsed.data.remainder === 'passthrough'
        ? frame.columns.map((col) => col.name).filter((name) => !used.has(name))
        : [];
    const parts = this.entries.map(([name, transformer, columns]) =>
      transformer.fitTransform(selectColumns(frame, columns, `${this.kind} step ${name}`), y),
    );
    if (remainderColumns.length > 0)
      parts.push(
        asMatrix(selectColumns(frame, remainderColumns, this.kind), `${this.kind} remainder`),
      );
    const out = hstack(parts);
    checkUniqueNames(this.kind, out.columnNames);
    this.fitted = { remainderColumns, outputColumns: [...out.columnNames] };
    return out;
  }

  transform(X: TabularInput): Matrix {
    if (!this.fitted) throw notFitted(this.kind);
    const frame = asFrame(X, this.kind);
    const parts = this.entries.map(([name, transformer, columns]) =>
      transformer.transform(selectColumns(frame, columns, `${this.kind} step ${name}`)),
    );
    if (this.fitted.remainderColumns.length > 0) {
      parts.push(
        asMatrix(
          selectColumns(frame, this.fitted.remainderColumns, this.kind),
          `${this.kind} remainder`,
        ),
      );
    }
    return hstack(parts);
  }

  /** Each transformer's row path on its columns of the same row, outputs side by side. */
  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    if (!this.fitted) throw notFitted(this.kind);
    const byName = new Map(columns.map((column) => [column.name, column]));
    const select = (names: readonly string[], context: string): RowColumn[] =>
      names.map((name) => {
        const column = byName.get(name);
        if (!column) throw DomainError.invalid(`${context}: missing column ${name}`);
        return column;
      });
    const parts = this.entries.map(([name, transformer, entryColumns]) =>
      transformer.compileRowTransform(select(entryColumns, `${this.kind} step ${name}`)),
    );
    const offsets = new Int32Array(parts.length);
    let width = 0;
    parts.forEach((part, k) => {
      offsets[k] = width;
      width += part.columnNames.length;
    });
    const remainder = select(this.fitted.remainderColumns, this.kind);
    for (const column of remainder)
      if (column.kind !== 'numeric')
        throw DomainError.invalid(
          `${this.kind} remainder: column ${column.name} is categorical; encode it first`,
        );
    const remainderAt = Int32Array.from(remainder, (column) => column.at);
    const remainderOffset = width;
    return {
      columnNames: [
        ...parts.flatMap((part) => part.columnNames),
        ...remainder.map((column) => column.name),
      ],
      write(row, out, offset) {
        for (let k = 0; k < parts.length; k++) parts[k].write(row, out, offset + offsets[k]);
        for (let r = 0; r < remainderAt.length; r++)
          out[offset + remainderOffset + r] = row[remainderAt[r]] as number;
      },
    };
  }

  toJSON(): EstimatorJson {
    return {
      schemaVersion: SCHEMA_VERSION,
      kind: this.kind,
      params: { ...this.params },
      state: {
        transformers: this.entries.map(([name, transformer, columns]) => ({
          name,
          columns: [...columns],
          estimator: transformer.toJSON(),
        })),
        fitted: this.fitted && structuredClone(this.fitted),
      },
    };
  }

  static fromJSON(json: EstimatorJson): ColumnTransformer {
    checkJson(json, 'ColumnTransformer');
    const state = json.state as {
      transformers: { name: string; columns: string[]; estimator: EstimatorJson }[];
      fitted: ColumnTransformerFitted | null;
    };
    const entries = state.transformers.map(
      ({ name, columns, estimator }): ColumnTransformerEntry => {
        const transformer = estimatorFromJSON(estimator);
        if (!('transform' in transformer))
          throw DomainError.invalid(`ColumnTransformer step ${name} is not a transformer`);
        return [name, transformer as Transformer, columns];
      },
    );
    const composite = new ColumnTransformer(entries, json.params as ColumnTransformerParams);
    composite.fitted = state.fitted && structuredClone(state.fitted);
    return composite;
  }
}

function checkUniqueNames(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw DomainError.invalid(`${kind}: two output columns are named "${name}"`);
    seen.add(name);
  }
}
