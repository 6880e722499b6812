import { describe, expect, it } from 'vitest';
import { stratifiedKFold, stratifiedTrainTestSplit } from './splits.js';

const labels = Uint8Array.from({ length: 103 }, (_, i) => (i % 10 < 6 ? 1 : 0)); // 63 positives, 40 negatives

const positives = (indices: Int32Array): number => indices.reduce((sum, i) => sum + labels[i], 0);

describe('stratifiedTrainTestSplit', () => {
  it('partitions the rows, keeps the class shares and is deterministic', () => {
    const { train, test } = stratifiedTrainTestSplit(labels, { testFraction: 0.2, seed: 1 });
    expect(train.length + test.length).toBe(103);
    expect(new Set([...train, ...test]).size).toBe(103);
    expect(positives(test)).toBe(13); // round(0.2 · 63)
    expect(test.length - positives(test)).toBe(8); // 0.2 · 40
    expect([...test]).toEqual([...test].sort((a, b) => a - b));
    const again = stratifiedTrainTestSplit(labels, { testFraction: 0.2, seed: 1 });
    expect([...again.test]).toEqual([...test]);
    const other = stratifiedTrainTestSplit(labels, { testFraction: 0.2, seed: 2 });
    expect([...other.test]).not.toEqual([...test]);
  });

  it('rejects a bad fraction', () => {
    expect(() => stratifiedTrainTestSplit(labels, { testFraction: 1, seed: 1 })).toThrow(
      /testFraction/,
    );
  });
});

describe('stratifiedKFold', () => {
  it('puts every row in exactly one test fold with balanced classes', () => {
    const folds = stratifiedKFold(labels, { folds: 5, seed: 0 });
    expect(folds).toHaveLength(5);
    const seen = new Uint8Array(103);
    for (const { train, test } of folds) {
      for (const i of test) seen[i]++;
      expect(train.length + test.length).toBe(103);
      expect(train.some((i) => test.includes(i))).toBe(false);
      const p = positives(test);
      expect(p === 12 || p === 13).toBe(true);
    }
    expect([...seen].every((count) => count === 1)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = stratifiedKFold(labels, { folds: 3, seed: 9 });
    const b = stratifiedKFold(labels, { folds: 3, seed: 9 });
    expect(a.map((f) => [...f.test])).toEqual(b.map((f) => [...f.test]));
  });

  it('explains when a class is too small', () => {
    expect(() => stratifiedKFold([0, 0, 0, 1], { folds: 2, seed: 0 })).toThrow(
      /a class has 1 rows, fewer than 2 folds/,
    );
    expect(() => stratifiedKFold(labels, { folds: 1, seed: 0 })).toThrow(/folds must be/);
  });
});
