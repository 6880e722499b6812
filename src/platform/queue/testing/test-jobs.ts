import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DomainError } from '../../../errors.js';
import type { JobHandlers, JobId } from '../job-queue.js';

/** ES2024's PromiseWithResolvers; the project targets ES2023 libs. */
interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/**
 * A job union for tests only; the application's own union (train, ingest…) lives with the
 * domains that own those jobs.
 */
export const testJobSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('add'), a: z.number(), b: z.number() }),
  /** Throws on tries 1…failures, then returns the try number. */
  z.object({ type: z.literal('fail-n-times'), failures: z.number().int().min(0) }),
  /** Throws an error that retrying cannot fix (`invalid`). */
  z.object({ type: z.literal('reject'), reason: z.string() }),
  /** Sleeps (ends early with an error if aborted), for concurrency and close tests. */
  z.object({ type: z.literal('sleep'), ms: z.number().int().min(0) }),
  /** Reports progress 50, waits until the test opens gate `key`, reports 100. */
  z.object({ type: z.literal('gate'), key: z.string() }),
]);
export type TestJobSchema = typeof testJobSchema;

/** What the test handlers saw, for assertions. */
export interface TestProbe {
  handlers: JobHandlers<TestJobSchema>;
  /** Ids of every try started, in order (a retried job appears once per try). */
  starts: { id: JobId; type: string; at: number }[];
  inFlight: number;
  maxInFlight: number;
  aborted: JobId[];
  /** Resolves once a `gate` job with this key is running (and has reported progress 50). */
  gateReached(key: string): Promise<void>;
  openGate(key: string): void;
}

export function createTestProbe(): TestProbe {
  const gates = new Map<string, { reached: Deferred<void>; open: Deferred<void> }>();
  const gate = (key: string) => {
    let entry = gates.get(key);
    if (!entry) {
      entry = { reached: withResolvers(), open: withResolvers() };
      gates.set(key, entry);
    }
    return entry;
  };

  const probe: TestProbe = {
    starts: [],
    inFlight: 0,
    maxInFlight: 0,
    aborted: [],
    gateReached: (key) => gate(key).reached.promise,
    openGate: (key) => gate(key).open.resolve(),
    handlers: {
      add: ({ a, b }, ctx) => tracked(ctx.id, 'add', async () => a + b),
      'fail-n-times': ({ failures }, ctx) =>
        tracked(ctx.id, 'fail-n-times', async () => {
          if (ctx.attempt <= failures) throw new Error(`failure ${ctx.attempt}`);
          return { attempt: ctx.attempt };
        }),
      reject: ({ reason }, ctx) =>
        tracked(ctx.id, 'reject', async () => {
          throw DomainError.invalid(reason);
        }),
      sleep: ({ ms }, ctx) =>
        tracked(ctx.id, 'sleep', async () => {
          try {
            await sleep(ms, undefined, { signal: ctx.signal });
          } catch (error) {
            probe.aborted.push(ctx.id);
            throw error;
          }
          return { slept: ms };
        }),
      gate: ({ key }, ctx) =>
        tracked(ctx.id, 'gate', async () => {
          await ctx.progress(50);
          gate(key).reached.resolve();
          await gate(key).open.promise;
          await ctx.progress(100);
          return { key };
        }),
    },
  };

  async function tracked<T>(id: JobId, type: string, run: () => Promise<T>): Promise<T> {
    probe.starts.push({ id, type, at: Date.now() });
    probe.inFlight++;
    probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
    try {
      return await run();
    } finally {
      probe.inFlight--;
    }
  }
  return probe;
}

function withResolvers<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}
