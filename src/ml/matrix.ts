/**
 * The numeric matrix every estimator consumes: dense, float64, column-major (column j is
 * `data[j * rows, (j + 1) * rows)`), with a name per column. Column-major because the
 * preprocessing and tree binning work a column at a time and a column is then a zero-copy
 * `subarray`.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly columnNames: readonly string[];
}

/** A zero-filled matrix. */
export function createMatrix(rows: number, columnNames: readonly string[]): Matrix {
  return {
    data: new Float64Array(rows * columnNames.length),
    rows,
    cols: columnNames.length,
    columnNames: [...columnNames],
  };
}

/** Builds a matrix from equally long columns (copied). */
export function matrixFromColumns(
  columns: readonly ArrayLike<number>[],
  columnNames: readonly string[],
): Matrix {
  if (columns.length !== columnNames.length) {
    throw new RangeError(`${columns.length} columns but ${columnNames.length} column names`);
  }
  const rows = columns.length === 0 ? 0 : columns[0].length;
  const matrix = createMatrix(rows, columnNames);
  columns.forEach((values, j) => {
    if (values.length !== rows)
      throw new RangeError(
        `column ${columnNames[j]} has ${values.length} values, expected ${rows}`,
      );
    matrix.data.set(values, j * rows);
  });
  return matrix;
}

/**
 * Builds a matrix from row arrays, the natural shape for small hand-written examples.
 * @example matrixFromRows([[1, 2], [3, 4]], ['a', 'b'])
 */
export function matrixFromRows(
  rowValues: readonly (readonly number[])[],
  columnNames?: readonly string[],
): Matrix {
  const cols = columnNames?.length ?? rowValues[0]?.length ?? 0;
  const names = columnNames ?? Array.from({ length: cols }, (_, j) => `x${j}`);
  const matrix = createMatrix(rowValues.length, names);
  rowValues.forEach((row, i) => {
    if (row.length !== cols)
      throw new RangeError(`row ${i} has ${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) matrix.data[j * rowValues.length + i] = row[j];
  });
  return matrix;
}

/** Column j as a view (no copy). */
export function column(matrix: Matrix, j: number): Float64Array {
  return matrix.data.subarray(j * matrix.rows, (j + 1) * matrix.rows);
}

/** The value at row i, column j. */
export function valueAt(matrix: Matrix, i: number, j: number): number {
  return matrix.data[j * matrix.rows + i];
}

/** Row i as a new array (rows are strided in column-major storage). */
export function rowAt(matrix: Matrix, i: number): Float64Array {
  const row = new Float64Array(matrix.cols);
  for (let j = 0; j < matrix.cols; j++) row[j] = matrix.data[j * matrix.rows + i];
  return row;
}

/** The rows at the given indices, in that order (copied). */
export function selectRows(matrix: Matrix, indices: ArrayLike<number>): Matrix {
  const out = createMatrix(indices.length, matrix.columnNames);
  for (let j = 0; j < matrix.cols; j++) {
    const src = j * matrix.rows;
    const dst = j * indices.length;
    for (let k = 0; k < indices.length; k++) out.data[dst + k] = matrix.data[src + indices[k]];
  }
  return out;
}

/** Concatenates matrices with the same number of rows side by side. */
export function hstack(parts: readonly Matrix[]): Matrix {
  const rows = parts.length === 0 ? 0 : parts[0].rows;
  const names = parts.flatMap((part) => {
    if (part.rows !== rows)
      throw new RangeError(`cannot stack matrices with ${part.rows} and ${rows} rows`);
    return part.columnNames;
  });
  const out = createMatrix(rows, names);
  let offset = 0;
  for (const part of parts) {
    out.data.set(part.data, offset);
    offset += part.data.length;
  }
  return out;
}

/** True when the value has the shape of a Matrix. */
export function isMatrix(value: unknown): value is Matrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Matrix).data instanceof Float64Array &&
    Number.isInteger((value as Matrix).rows) &&
    Number.isInteger((value as Matrix).cols)
  );
}
