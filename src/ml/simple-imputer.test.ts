import { describe, expect, it } from 'vitest';
import { matrixFromRows } from './matrix.js';
import { SimpleImputer } from './simple-imputer.js';

const NaN_ = Number.NaN;

describe('SimpleImputer', () => {
  const X = matrixFromRows(
    [
      [1, 5],
      [NaN_, 5],
      [3, 7],
      [10, NaN_],
    ],
    ['a', 'b'],
  );

  it('fills NaN with the column median', () => {
    const out = new SimpleImputer({ strategy: 'median' }).fitTransform(X);
    expect([...out.data]).toEqual([1, 3, 3, 10, 5, 5, 7, 5]);
  });

  it('fills NaN with the most frequent value, smallest on ties', () => {
    const out = new SimpleImputer({ strategy: 'most_frequent' }).fitTransform(X);
    expect(out.data[1]).toBe(1); // 1, 3, 10 each once → smallest
    expect(out.data[7]).toBe(5);
  });

  it('uses the statistics learnt at fit, not those of new data', () => {
    const imputer = new SimpleImputer().fit(X);
    const out = imputer.transform(matrixFromRows([[NaN_, NaN_]], ['a', 'b']));
    expect([...out.data]).toEqual([3, 5]);
  });

  it('rejects an all-missing column and a column mismatch', () => {
    expect(() => new SimpleImputer().fit(matrixFromRows([[NaN_]], ['a']))).toThrow(
      /column a has no observed values/,
    );
    const imputer = new SimpleImputer().fit(X);
    expect(() => imputer.transform(matrixFromRows([[1, 2]], ['a', 'c']))).toThrow(
      /expected columns \[a, b\]/,
    );
  });

  it('rejects an unknown strategy at fit', () => {
    expect(() => new SimpleImputer({ strategy: 'mean' as never }).fit(X)).toThrow(
      /invalid hyperparameters/,
    );
  });
});
