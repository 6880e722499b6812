import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it('draws floats in [0, 1) with a mean near one half', () => {
    const random = new SeededRandom(7);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });

  it('shuffles to a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    new SeededRandom(3).shuffle(values);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...values]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('samples k distinct sorted integers below n', () => {
    const sample = new SeededRandom(5).sample(100, 10);
    expect(sample).toHaveLength(10);
    expect(new Set(sample).size).toBe(10);
    expect([...sample]).toEqual([...sample].sort((a, b) => a - b));
    expect(Math.max(...sample)).toBeLessThan(100);
    expect(() => new SeededRandom(5).sample(3, 4)).toThrow(/cannot sample/);
  });

  it('rejects a non-integer seed', () => {
    expect(() => new SeededRandom(1.5)).toThrow(/integer/);
  });
});
