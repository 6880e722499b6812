import { describe, expect, it } from 'vitest';
import {
  asFrame,
  asMatrix,
  frameFromRespondents,
  selectColumns,
  selectFrameRows,
  shareFrame,
} from './frame.js';
import { matrixFromRows } from './matrix.js';
import { syntheticRespondents } from './testing/synthetic.js';

describe('frameFromRespondents', () => {
  const records = syntheticRespondents(60, 3);
  const frame = frameFromRespondents(records);

  it('has one column per feature, numeric with NaN for null, categorical as codes', () => {
    expect(frame.rows).toBe(60);
    expect(frame.columns).toHaveLength(16);
    const stress = frame.columns.find((c) => c.name === 'financial_stress')!;
    expect(stress.kind).toBe('numeric');
    const missing = records.findIndex((r) => r.financial_stress === null);
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(stress.kind === 'numeric' && Number.isNaN(stress.values[missing])).toBe(true);
    const city = frame.columns.find((c) => c.name === 'city')!;
    expect(city.kind).toBe('categorical');
    if (city.kind === 'categorical') expect(city.levels[city.codes[5]]).toBe(records[5].city);
  });

  it('rejects a non-finite number', () => {
    const bad = [{ ...records[0], age: Number.NaN }];
    expect(() => frameFromRespondents(bad)).toThrow(/age must be a finite number/);
  });

  it('selects rows and columns, and shares memory for workers', () => {
    const picked = selectFrameRows(selectColumns(frame, ['age', 'city'], 'test'), [4, 2]);
    expect(picked.rows).toBe(2);
    const age = picked.columns[0];
    expect(age.kind === 'numeric' && [...age.values]).toEqual([records[4].age, records[2].age]);
    expect(() => selectColumns(frame, ['nope'], 'test')).toThrow(/missing column nope/);
    const shared = shareFrame(frame);
    const col = shared.columns[0];
    expect(col.kind === 'numeric' && col.values.buffer instanceof SharedArrayBuffer).toBe(true);
  });

  it('asMatrix accepts numeric input only', () => {
    expect(() => asMatrix(frame, 'test')).toThrow(/categorical; encode it first/);
    const matrix = matrixFromRows([[1], [2]], ['x']);
    expect(asMatrix(asFrame(matrix, 'test'), 'test').data).toEqual(matrix.data);
  });
});
