import { describe, expect, it } from 'vitest';
import { binEdges, binOf } from './binning.js';

describe('binEdges', () => {
  it('uses midpoints between distinct values when there are few', () => {
    expect([...binEdges([3, 1, 2, 2], 255)]).toEqual([1.5, 2.5]);
    expect([...binEdges([0, 1, 0, 0], 255)]).toEqual([0.5]);
    expect([...binEdges([4, 4], 255)]).toEqual([]);
  });

  it('uses quantiles when there are more distinct values than bins', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const edges = binEdges(values, 10);
    expect(edges.length).toBe(9);
    const counts = new Array(10).fill(0);
    for (const v of values) counts[binOf(v, edges)]++;
    for (const count of counts) expect(count).toBe(100);
  });
});

describe('binOf', () => {
  const edges = Float64Array.from([1.5, 2.5]);
  it('puts x in the first bin whose edge is ≥ x', () => {
    expect(binOf(0, edges)).toBe(0);
    expect(binOf(1.5, edges)).toBe(0);
    expect(binOf(2, edges)).toBe(1);
    expect(binOf(2.5, edges)).toBe(1);
    expect(binOf(99, edges)).toBe(2);
  });
});
