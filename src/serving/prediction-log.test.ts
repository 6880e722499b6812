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
    const log = new PredictionLog(
      { encode: (e) => e, write: () => blocked },
      { bufferSize: 10, batchSize: 5, flushIntervalMs: 60_000 },
    );
    logs.push(log);
    const started = performance.now();
    let accepted = 0;
    for (let i = 0; i < 1000; i++) if (log.append(entry(`k${i}`))) accepted++;
    expect(performance.now() - started).toBeLessThan(50);
    expect(accepted).toBe(10);
    expect(log.stats().dropped).toBe(990);
    expect(log.hasPending('k3')).toBe(true);
    expect(log.hasPending('k999')).toBe(false);
    release();
  });

  it('counts a batch that cannot be written as failed and goes on', async () => {
    const errors: number[] = [];
    let calls = 0;
    const log = new PredictionLog(
      {
        encode: (e) => e,
        write: async () => {
          if (calls++ === 0) throw new Error('database down');
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
