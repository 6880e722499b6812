import type { Respondent } from '../../data/record.js';
import { isFrame, type Frame, type TabularInput } from '../frame.js';
import { isMatrix, rowAt } from '../matrix.js';
import {
  numericRowColumns,
  RESPONDENT_COLUMNS,
  respondentRowReader,
  type Cell,
  type Row,
  type RowColumn,
} from '../row.js';

/** Any batch input seen one row at a time, as the single-record paths read it. */
export interface RowsOf {
  rows: number;
  columns: readonly RowColumn[];
  /** Row i, a fresh array; for records, the reader's refusal of an invalid one. */
  row(i: number): Row;
}

export function rowsOf(X: TabularInput): RowsOf {
  if (isMatrix(X))
    return { rows: X.rows, columns: numericRowColumns(X.columnNames), row: (i) => rowAt(X, i) };
  if (isFrame(X)) return frameRows(X);
  const records = X as readonly Respondent[];
  const read = respondentRowReader();
  return {
    rows: records.length,
    columns: RESPONDENT_COLUMNS,
    row: (i) => Array.from(read(records[i])),
  };
}

function frameRows(frame: Frame): RowsOf {
  return {
    rows: frame.rows,
    columns: frame.columns.map((col, at) => ({ name: col.name, kind: col.kind, at })),
    row: (i) =>
      frame.columns.map((col): Cell => {
        if (col.kind === 'numeric') return col.values[i];
        const code = col.codes[i];
        return code < 0 ? null : col.levels[code];
      }),
  };
}
