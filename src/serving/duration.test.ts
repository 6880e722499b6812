import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('read and write milliseconds to days', () => {
    expect(['500ms', '90s', '10m', '1h', '7d', '1.5h'].map(parseDuration)).toEqual([
      500, 90_000, 600_000, 3_600_000, 604_800_000, 5_400_000,
    ]);
    expect([600_000, 604_800_000, 90_000, 1500].map(formatDuration)).toEqual([
      '10m',
      '7d',
      '90s',
      '1500ms',
    ]);
  });

  it('refuse anything else, saying what is meant', () => {
    for (const bad of ['7 days', '1w', '', '-1h', 'h'])
      expect(() => parseDuration(bad)).toThrow('is not a duration like 500ms, 90s, 10m, 1h or 7d');
  });
});
