/**
 * A small seeded PRNG (mulberry32) so every random choice in training — validation splits,
 * row and feature subsampling, fold assignment — is reproducible from one integer seed.
 * Math.random is never used by the estimators.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /**
   * k distinct integers from [0, n), in ascending order (partial Fisher–Yates over a scratch
   * buffer the caller may reuse to avoid allocating per call).
   */
  sample(n: number, k: number, scratch: Int32Array = new Int32Array(n)): Int32Array {
    if (k > n) throw new RangeError(`cannot sample ${k} of ${n}`);
    for (let i = 0; i < n; i++) scratch[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.nextInt(n - i);
      const tmp = scratch[i];
      scratch[i] = scratch[j];
      scratch[j] = tmp;
    }
    return scratch.slice(0, k).sort();
  }
}
