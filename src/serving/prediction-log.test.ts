import { afterEach, describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { PredictionLog, type PredictionLogEntry } from './prediction-log.js';

const entry = (requestKey: string): PredictionLogEntry => ({
  at: Date.now(),
  model: 'm',
  version: 1,
  route: 'champion',
  requestKey,
  rolloutId: null,
  inputs: {} as Respondent,
  probability: 0.5,
  label: 1,
  latencyUs: 10,
  error: null,
});

const logs: PredictionLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

describe('prediction log', () => {
  it('writes in batches of at most batchSize and flushes the rest on close', async () => {
    const batches: number[] = [];
    const log = new PredictionLog(
      { encode: (e) => e, write: async (entries) => void batches.push(entries.length) },
      { bufferSize: 1000, batchSize: 40, flushIntervalMs: 60_000 },
    );
    for (let i = 0; i < 100; i++) log.append(entry(`k${i}`));
    await log.close();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...batches)).toBeLessThanOrEqual(40);
    expect(log.stats()).toMatchObject({ accepted: 100, written: 100, dropped: 0, pending: 0 });
  });

  it('drops and counts when the buffer is full instead of waiting for a slow database', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let writes = 0;
    const log = new PredictionLog(
      { encode: (e) => e, write: () => (writes++, blocked) },
      { bufferSize: 10, batchSize: 5, flushIntervalMs: 60_000 },
    );
    logs.push(log);
    // Not a stopwatch but the contract: append answers at once, a plain boolean, never a
    // promise to wait on.
    const answers = Array.from({ length: 1000 }, (_, i) => log.append(entry(`k${i}`)));
    expect(answers.every((answer) => typeof answer === 'boolean')).toBe(true);
    expect(answers.filter(Boolean)).toHaveLength(10);
    expect(log.stats().dropped).toBe(990);
    expect(log.hasPending('k3')).toBe(true);
    expect(log.hasPending('k999')).toBe(false);

    // With a batch stuck in the database, the buffer takes what room it has and drops the
    // rest, still without waiting.
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toBe(1);
    const during = Array.from({ length: 10 }, (_, i) => log.append(entry(`d${i}`)));
    expect(during.filter(Boolean)).toHaveLength(5);
    expect(log.stats()).toMatchObject({ accepted: 15, dropped: 995, written: 0 });
    release();
  });

  it('counts a batch that cannot be written (the database is away) as failed and goes on', async () => {
    const errors: number[] = [];
    let calls = 0;
    const log = new PredictionLog(
      {
        encode: (e) => e,
        write: async () => {
          // A connection failure fails the whole batch: no point writing it row by row.
          if (calls++ === 0)
            throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        },
      },
      {
        bufferSize: 100,
        batchSize: 5,
        flushIntervalMs: 60_000,
        onWriteError: (_e, lost) => errors.push(lost),
      },
    );
    for (let i = 0; i < 10; i++) log.append(entry(`k${i}`));
    await log.close();
    expect(errors).toEqual([5]);
    expect(log.stats()).toMatchObject({ written: 5, failed: 5 });
  });
});
