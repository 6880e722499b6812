import { describe, expect, it } from 'vitest';
import {
  column,
  hstack,
  isMatrix,
  matrixFromColumns,
  matrixFromRows,
  rowAt,
  selectRows,
  valueAt,
} from './matrix.js';

describe('Matrix', () => {
  const m = matrixFromRows(
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    ['a', 'b'],
  );

  it('stores columns contiguously (column-major)', () => {
    expect([...m.data]).toEqual([1, 3, 5, 2, 4, 6]);
    expect([...column(m, 1)]).toEqual([2, 4, 6]);
    expect(valueAt(m, 2, 0)).toBe(5);
    expect([...rowAt(m, 1)]).toEqual([3, 4]);
  });

  it('column() is a view, selectRows a copy in the given order', () => {
    expect(column(m, 0).buffer).toBe(m.data.buffer);
    const picked = selectRows(m, [2, 0]);
    expect([...picked.data]).toEqual([5, 1, 6, 2]);
    expect(picked.columnNames).toEqual(['a', 'b']);
  });

  it('hstack joins columns and checks row counts', () => {
    const other = matrixFromColumns([[7, 8, 9]], ['c']);
    const joined = hstack([m, other]);
    expect(joined.columnNames).toEqual(['a', 'b', 'c']);
    expect([...column(joined, 2)]).toEqual([7, 8, 9]);
    expect(() => hstack([m, matrixFromColumns([[1]], ['d'])])).toThrow(/rows/);
  });

  it('rejects ragged input', () => {
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(/row 1/);
    expect(() => matrixFromColumns([[1, 2], [3]], ['a', 'b'])).toThrow(/column b/);
    expect(() => matrixFromColumns([[1, 2]], ['a', 'b'])).toThrow(/column names/);
  });

  it('isMatrix recognises the shape', () => {
    expect(isMatrix(m)).toBe(true);
    expect(isMatrix({ rows: 1, cols: 1 })).toBe(false);
  });
});
