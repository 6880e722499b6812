import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles from the base delay with each failed try, like BullMQ exponential', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(100, attempts))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('is zero when the base is zero', () => {
    expect(retryDelayMs(0, 5)).toBe(0);
  });
});
