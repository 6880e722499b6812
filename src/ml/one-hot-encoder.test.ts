import { describe, expect, it } from 'vitest';
import type { Frame } from './frame.js';
import { column } from './matrix.js';
import { OneHotEncoder } from './one-hot-encoder.js';

const cities = (values: (string | null)[]): Frame => {
  const levels = [...new Set(values.filter((v): v is string => v !== null))];
  return {
    rows: values.length,
    columns: [
      {
        kind: 'categorical',
        name: 'city',
        levels,
        codes: Int32Array.from(values, (v) => (v === null ? -1 : levels.indexOf(v))),
      },
    ],
  };
};

describe('OneHotEncoder', () => {
  const train = cities(['Pune', 'Delhi', 'Pune', 'Delhi', 'Pune', 'Rashi', 'City']);

  it('makes one sorted indicator column per category', () => {
    const out = new OneHotEncoder().fitTransform(train);
    expect(out.columnNames).toEqual(['city=City', 'city=Delhi', 'city=Pune', 'city=Rashi']);
    expect([...column(out, 2)]).toEqual([1, 0, 1, 0, 1, 0, 0]);
  });

  it('groups rare categories into `other`', () => {
    const encoder = new OneHotEncoder({ minFrequency: 2 }).fit(train);
    expect(encoder.outputColumnNames()).toEqual(['city=Delhi', 'city=Pune', 'city=other']);
    const out = encoder.transform(cities(['Rashi', 'City', 'Delhi']));
    expect([...column(out, 2)]).toEqual([1, 1, 0]);
  });

  it('takes a fraction below 1 as a share of the rows', () => {
    expect(
      new OneHotEncoder({ minFrequency: 0.25 }) // 0.25 · 7 rows = 1.75
        .fit(train)
        .outputColumnNames(),
    ).toEqual(['city=Delhi', 'city=Pune', 'city=other']);
  });

  it('encodes unknown and missing values as all zeros, never throwing', () => {
    const encoder = new OneHotEncoder({ minFrequency: 2 }).fit(train);
    const out = encoder.transform(cities(['Atlantis', null]));
    expect([...out.data].every((v) => v === 0)).toBe(true);
    expect(out.rows).toBe(2);
  });

  it('refuses a real level clashing with the `other` name', () => {
    expect(() =>
      new OneHotEncoder({ minFrequency: 2 }).fit(cities(['other', 'other', 'x'])),
    ).toThrow(/infrequentName/);
  });
});
