import type { Respondent } from '../data/record.js';
import { CATEGORICAL_FEATURES, NUMERIC_FEATURES, ORDINAL_FEATURES } from './features.js';
import { isMatrix, matrixFromColumns, type Matrix } from './matrix.js';
import { DomainError } from '../errors.js';

/** A numeric column; NaN marks a missing value. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

/** A categorical column as codes into `levels`; -1 marks a missing value. */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export type FrameColumn = NumericColumn | CategoricalColumn;

/**
 * A table of mixed columns, the input of the preprocessing steps. All data sits in typed
 * arrays so a frame can be shared with worker threads without serialising records.
 */
export interface Frame {
  readonly rows: number;
  readonly columns: readonly FrameColumn[];
}

/** What the preprocessing steps accept: a frame, a numeric matrix or respondent records. */
export type TabularInput = Frame | Matrix | readonly Respondent[];

/** Converts respondent records to a frame (numeric, categorical and ordinal factors). */
export function frameFromRespondents(records: readonly Respondent[]): Frame {
  const rows = records.length;
  const columns: FrameColumn[] = [];
  for (const name of NUMERIC_FEATURES) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = numericCell(records[i][name], i, name);
    columns.push({ kind: 'numeric', name, values });
  }
  for (const name of [...CATEGORICAL_FEATURES, ...ORDINAL_FEATURES]) {
    const levels: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const value = categoricalCell(records[i][name], i, name);
      if (value === null) {
        codes[i] = -1;
        continue;
      }
      let code = index.get(value);
      if (code === undefined) {
        code = levels.length;
        levels.push(value);
        index.set(value, code);
      }
      codes[i] = code;
    }
    columns.push({ kind: 'categorical', name, codes, levels });
  }
  return { rows, columns };
}

/**
 * A record's numeric factor as a cell: the number, or NaN when missing (null). Shared by the
 * frame and the single-record row, so both accept and refuse the same values.
 * @param i the record's position, for the message
 */
export function numericCell(value: unknown, i: number, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === null) return Number.NaN;
  if (value === undefined) throw DomainError.invalid(`record ${i}: ${name} is absent`);
  throw DomainError.invalid(
    `record ${i}: ${name} must be a finite number or null, got ${String(value)}`,
  );
}

/** A record's categorical factor as a cell: the level, or null when missing. */
export function categoricalCell(value: unknown, i: number, name: string): string | null {
  if (typeof value === 'string' || value === null) return value;
  if (value === undefined) throw DomainError.invalid(`record ${i}: ${name} is absent`);
  throw DomainError.invalid(`record ${i}: ${name} must be a string, got ${String(value)}`);
}

/** A matrix seen as a frame of numeric columns (views, no copy). */
export function frameFromMatrix(matrix: Matrix): Frame {
  return {
    rows: matrix.rows,
    columns: matrix.columnNames.map((name, j) => ({
      kind: 'numeric' as const,
      name,
      values: matrix.data.subarray(j * matrix.rows, (j + 1) * matrix.rows),
    })),
  };
}

/** True when the value has the shape of a Frame. */
export function isFrame(value: unknown): value is Frame {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Frame).columns) &&
    Number.isInteger((value as Frame).rows)
  );
}

/** Any accepted input as a frame. */
export function asFrame(input: TabularInput, context: string): Frame {
  if (isFrame(input)) return input;
  if (isMatrix(input)) return frameFromMatrix(input);
  if (Array.isArray(input)) return frameFromRespondents(input);
  throw DomainError.invalid(`${context}: expected a Frame, a Matrix or an array of records`);
}

/** Any accepted input as a numeric matrix; categorical columns are an error. */
export function asMatrix(input: TabularInput, context: string): Matrix {
  if (isMatrix(input)) {
    if (input.data.length !== input.rows * input.cols || input.columnNames.length !== input.cols) {
      throw DomainError.invalid(
        `${context}: malformed matrix (${input.rows} × ${input.cols} with ${input.data.length} values and ${input.columnNames.length} names)`,
      );
    }
    return input;
  }
  const frame = asFrame(input, context);
  const numeric = frame.columns.map((col) => {
    if (col.kind !== 'numeric')
      throw DomainError.invalid(`${context}: column ${col.name} is categorical; encode it first`);
    return col.values;
  });
  return matrixFromColumns(
    numeric,
    frame.columns.map((col) => col.name),
  );
}

/** The named columns of a frame, in the order given. */
export function selectColumns(frame: Frame, names: readonly string[], context: string): Frame {
  const byName = new Map(frame.columns.map((col) => [col.name, col]));
  return {
    rows: frame.rows,
    columns: names.map((name) => {
      const col = byName.get(name);
      if (!col) throw DomainError.invalid(`${context}: missing column ${name}`);
      return col;
    }),
  };
}

/** The rows at the given indices (copied); categorical levels are shared. */
export function selectFrameRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  return {
    rows: n,
    columns: frame.columns.map((col): FrameColumn => {
      if (col.kind === 'numeric') {
        const values = new Float64Array(n);
        for (let k = 0; k < n; k++) values[k] = col.values[indices[k]];
        return { ...col, values };
      }
      const codes = new Int32Array(n);
      for (let k = 0; k < n; k++) codes[k] = col.codes[indices[k]];
      return { ...col, codes };
    }),
  };
}

/** A copy of the frame whose typed arrays live in SharedArrayBuffers, for worker threads. */
export function shareFrame(frame: Frame): Frame {
  return {
    rows: frame.rows,
    columns: frame.columns.map((col): FrameColumn => {
      if (col.kind === 'numeric') {
        const values = new Float64Array(new SharedArrayBuffer(col.values.byteLength));
        values.set(col.values);
        return { kind: 'numeric', name: col.name, values };
      }
      const codes = new Int32Array(new SharedArrayBuffer(col.codes.byteLength));
      codes.set(col.codes);
      return { kind: 'categorical', name: col.name, codes, levels: [...col.levels] };
    }),
  };
}
