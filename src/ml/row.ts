import type { Respondent } from '../data/record.js';
import { assertSameColumns, notFiniteError } from './estimator.js';
import { DomainError } from '../errors.js';
import { CATEGORICAL_FEATURES, NUMERIC_FEATURES, ORDINAL_FEATURES } from './features.js';
import { categoricalCell, numericCell } from './frame.js';

/**
 * One cell of a row: a number in a numeric column (NaN when missing), a level or null
 * (missing) in a categorical one.
 */
export type Cell = number | string | null;

/** One row: its cells, wherever its columns say they sit. A numeric row can be a Float64Array. */
export type Row = ArrayLike<Cell>;

/**
 * A column of the rows a single-record path is compiled for: the row counterpart of a frame
 * column. `at` is where its cell sits in the row, so a composite hands its children their
 * columns of the same row (as `selectColumns` hands out views) instead of copying cells.
 */
export interface RowColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly at: number;
}

/** Numeric columns at positions 0, 1, …: the layout of a transformer's output row. */
export function numericRowColumns(names: readonly string[]): RowColumn[] {
  return names.map((name, at) => ({ name, kind: 'numeric', at }));
}

/** The columns of a respondent row, in the order `frameFromRespondents` gives them. */
export const RESPONDENT_COLUMNS: readonly RowColumn[] = [
  ...NUMERIC_FEATURES.map((name) => ({ name, kind: 'numeric' as const })),
  ...[...CATEGORICAL_FEATURES, ...ORDINAL_FEATURES].map((name) => ({
    name,
    kind: 'categorical' as const,
  })),
].map((column, at) => ({ ...column, at }));

/**
 * Reads respondent records as rows laid out as RESPONDENT_COLUMNS, accepting and refusing
 * what `frameFromRespondents` does (with its messages, as for a one-record batch). Each call
 * refills and returns the same row, so reading allocates nothing.
 */
export function respondentRowReader(): (record: Respondent) => Row {
  const names = RESPONDENT_COLUMNS.map((column) => column.name as keyof Respondent);
  const numeric = RESPONDENT_COLUMNS.filter((column) => column.kind === 'numeric').length;
  const row: Cell[] = names.map(() => null);
  return (record) => {
    for (let j = 0; j < numeric; j++) row[j] = numericCell(record[names[j]], 0, names[j]);
    for (let j = numeric; j < names.length; j++)
      row[j] = categoricalCell(record[names[j]], 0, names[j]);
    return row;
  };
}

/**
 * Checks a row layout as the batch path checks a numeric input (`asMatrix`, then the columns
 * seen at fit) and returns where each column's cell sits.
 */
export function numericRowInput(
  columns: readonly RowColumn[],
  seen: readonly string[],
  context: string,
): Int32Array {
  for (const column of columns)
    if (column.kind !== 'numeric')
      throw DomainError.invalid(
        `${context}: column ${column.name} is categorical; encode it first`,
      );
  return positions(columns, seen, context);
}

/** As numericRowInput, for encoders of categorical columns (`categoricalColumns`). */
export function categoricalRowInput(
  columns: readonly RowColumn[],
  seen: readonly string[],
  context: string,
): Int32Array {
  for (const column of columns)
    if (column.kind !== 'categorical')
      throw DomainError.invalid(
        `${context}: column ${column.name} is numeric; expected categorical columns`,
      );
  return positions(columns, seen, context);
}

/**
 * How a model reads its numeric cells, column j at index j: the row itself when its columns
 * sit at 0, 1, … (as a pipeline's previous step writes them), else a copy in one buffer.
 * A model in a pipeline then reads the previous step's output without copying it.
 */
export function numericCells(at: Int32Array): (row: Row) => ArrayLike<number> {
  if (at.every((position, j) => position === j)) return (row) => row as ArrayLike<number>;
  const cells = new Float64Array(at.length);
  return (row) => {
    for (let j = 0; j < at.length; j++) cells[j] = row[at[j]] as number;
    return cells;
  };
}

/** Refuses NaN and infinities as `assertFinite` does for a one-row batch: models need imputed input. */
export function assertFiniteCells(
  cells: ArrayLike<number>,
  columnNames: readonly string[],
  context: string,
): void {
  for (let j = 0; j < columnNames.length; j++)
    if (!Number.isFinite(cells[j])) throw notFiniteError(context, columnNames[j], 0, cells[j]);
}

function positions(
  columns: readonly RowColumn[],
  seen: readonly string[],
  context: string,
): Int32Array {
  assertSameColumns(
    seen,
    columns.map((column) => column.name),
    context,
  );
  return Int32Array.from(columns, (column) => column.at);
}
