import { describe, expect, it } from 'vitest';
import { matrixFromRows } from './matrix.js';
import { StandardScaler } from './standard-scaler.js';

describe('StandardScaler', () => {
  const X = matrixFromRows(
    [
      [1, 4],
      [3, 4],
    ],
    ['a', 'constant'],
  );

  it('centres and scales by the population standard deviation', () => {
    const out = new StandardScaler().fitTransform(X);
    expect([...out.data.subarray(0, 2)]).toEqual([-1, 1]);
  });

  it('leaves constant columns at zero instead of dividing by zero', () => {
    const out = new StandardScaler().fitTransform(X);
    expect([...out.data.subarray(2, 4)]).toEqual([0, 0]);
  });

  it('can skip centring or scaling', () => {
    expect([
      ...new StandardScaler({ withMean: false }).fitTransform(X).data.subarray(0, 2),
    ]).toEqual([1, 3]);
    expect([...new StandardScaler({ withStd: false }).fitTransform(X).data.subarray(0, 2)]).toEqual(
      [-1, 1],
    );
  });

  it('rejects NaN, naming the cell', () => {
    expect(() => new StandardScaler().fit(matrixFromRows([[1], [Number.NaN]], ['a']))).toThrow(
      /column a row 1 is NaN/,
    );
  });
});
