import { describe, expect, it } from 'vitest';
import type { Frame } from './frame.js';
import { OrdinalEncoder } from './ordinal-encoder.js';

const sleep = (levels: string[], codes: number[]): Frame => ({
  rows: codes.length,
  columns: [{ kind: 'categorical', name: 'sleep_duration', levels, codes: Int32Array.from(codes) }],
});

describe('OrdinalEncoder', () => {
  it('maps sleep bands to hours and Others / missing / unknown to NaN', () => {
    const X = sleep(
      ['Less than 5 hours', '5-6 hours', '7-8 hours', 'More than 8 hours', 'Others', 'Ten hours'],
      [0, 1, 2, 3, 4, 5, -1],
    );
    const out = new OrdinalEncoder().fitTransform(X);
    expect([...out.data]).toEqual([4.5, 5.5, 7.5, 8.5, NaN, NaN, NaN]);
    expect(out.columnNames).toEqual(['sleep_duration']);
  });

  it('translates levels by name whatever their codes', () => {
    const encoder = new OrdinalEncoder().fit(sleep(['7-8 hours'], [0]));
    expect([...encoder.transform(sleep(['5-6 hours', '7-8 hours'], [1, 0])).data]).toEqual([
      7.5, 5.5,
    ]);
  });

  it('can reject unknown levels', () => {
    const encoder = new OrdinalEncoder({ handleUnknown: 'error' }).fit(sleep(['7-8 hours'], [0]));
    expect(() => encoder.transform(sleep(['Ten hours'], [0]))).toThrow(/unknown level "Ten hours"/);
  });

  it('needs a mapping for every column and categorical input', () => {
    const other: Frame = {
      rows: 1,
      columns: [{ kind: 'categorical', name: 'diet', levels: ['x'], codes: Int32Array.from([0]) }],
    };
    expect(() => new OrdinalEncoder().fit(other)).toThrow(/no mapping for column diet/);
    const numeric: Frame = {
      rows: 1,
      columns: [{ kind: 'numeric', name: 'sleep_duration', values: Float64Array.from([1]) }],
    };
    expect(() => new OrdinalEncoder().fit(numeric)).toThrow(/is numeric/);
  });
});
