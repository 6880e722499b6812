import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedis } from '../../../test/harness/context.js';
import { startThrowawayRedis } from '../../../test/harness/services.js';
import { createJobQueue } from './create-job-queue.js';
import { silentLogger, type JobQueue } from './job-queue.js';
import { conformanceConfig, describeJobQueueConformance } from './testing/conformance.js';
import { createTestProbe, testJobSchema, type TestJobSchema } from './testing/test-jobs.js';

function openBullmq(redis: { url: string; prefix: string }, name: string): JobQueue<TestJobSchema> {
  return createJobQueue({
    settings: { url: redis.url, prefix: redis.prefix, ...conformanceConfig },
    schema: testJobSchema,
    name,
  });
}

describeJobQueueConformance('bullmq on redis', async () => {
  const redis = testRedis();
  return {
    open: (name) => openBullmq(redis, name),
    injectRaw: async (name, job) => {
      // A plain BullMQ producer, as another program (or an older release) would write.
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const raw = new Queue(name, { connection, prefix: redis.prefix });
      try {
        await raw.add(job.type, job.data, { jobId: job.id, attempts: job.attempts });
      } finally {
        await raw.close();
        await connection.quit();
      }
    },
    close: async () => {},
  };
});

describe('bullmq queue: scale-out', () => {
  const opened: JobQueue<TestJobSchema>[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 500 })));
  });

  it('shares jobs between two workers on separate connections', async () => {
    const redis = testRedis();
    const name = `s${randomBytes(4).toString('hex')}`;
    const producer = openBullmq(redis, name);
    const workerA = openBullmq(redis, name);
    const workerB = openBullmq(redis, name);
    opened.push(producer, workerA, workerB);
    const probeA = createTestProbe();
    const probeB = createTestProbe();
    await workerA.work(probeA.handlers, { concurrency: 1 });
    await workerB.work(probeB.handlers, { concurrency: 1 });

    const ids = await Promise.all(
      Array.from({ length: 8 }, () => producer.enqueue({ type: 'sleep', ms: 60 })),
    );
    const jobs = await Promise.all(ids.map((id) => producer.waitForJob(id, { timeoutMs: 10_000 })));

    expect(jobs.every((job) => job.state === 'completed')).toBe(true);
    expect(probeA.starts.length + probeB.starts.length).toBe(8);
    // Each worker runs one at a time, so both must have taken a share for 8 × 60 ms to pass.
    expect(probeA.starts.length).toBeGreaterThan(0);
    expect(probeB.starts.length).toBeGreaterThan(0);
  });
});

describe('bullmq queue: a job Redis lost while it ran', () => {
  it('neither fails the work nor crashes the worker, and the worker takes the next job', async () => {
    // What a Redis restart without persistence does to a running job: its key is gone, and
    // BullMQ rejects the next updateProgress with "Missing key for job …". Before progress
    // swallowed that, an un-awaited progress call was an unhandled rejection that ended the process.
    const redis = testRedis();
    const name = `lost${randomBytes(4).toString('hex')}`;
    const queue = openBullmq(redis, name);
    const probe = createTestProbe();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const finished: string[] = [];
    const gate = probe.handlers.gate;
    try {
      await queue.work(
        {
          ...probe.handlers,
          gate: async (payload, ctx) => {
            const result = await gate(payload, ctx);
            finished.push(payload.key);
            return result;
          },
        },
        { concurrency: 1 },
      );
      const lost = await queue.enqueue({ type: 'gate', key: 'lost' });
      await probe.gateReached('lost');
      const connection = new Redis(redis.url);
      expect(await connection.del(`${redis.prefix}:${name}:${lost}`)).toBe(1);
      await connection.quit();
      probe.openGate('lost');
      const next = await queue.enqueue({ type: 'add', a: 2, b: 3 });
      const done = await queue.waitForJob(next, { timeoutMs: 10_000 });
      expect(done).toMatchObject({ state: 'completed', result: 5 });
      expect(probe.starts.map((start) => start.type)).toEqual(['gate', 'add']);
      // The handler's own `await ctx.progress(100)` after the loss returned normally.
      expect(finished).toEqual(['lost']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await queue.close({ timeoutMs: 500 });
    }
  });
});

describe('bullmq queue: a Redis that may evict keys', () => {
  it('refuses to work (or warns, as configured), naming the policy and the fix', async () => {
    const redis = await startThrowawayRedis(['--maxmemory-policy', 'allkeys-lru']);
    const warnings: string[] = [];
    const open = (evictionCheck: 'warn' | 'refuse') =>
      createJobQueue({
        settings: { url: redis.url, prefix: 'evict', ...conformanceConfig, evictionCheck },
        schema: testJobSchema,
        name: 'evict',
        log: {
          ...silentLogger,
          warn: (_fields: unknown, message: string) => warnings.push(message),
        },
      });
    const refusing = open('refuse');
    const warning = open('warn');
    try {
      await expect(refusing.work(createTestProbe().handlers)).rejects.toMatchObject({
        kind: 'invalid',
        message: expect.stringContaining('maxmemory-policy allkeys-lru'),
      });
      await warning.work(createTestProbe().handlers);
      expect(warnings).toEqual([expect.stringContaining('BullMQ needs "noeviction"')]);
    } finally {
      await refusing.close({ timeoutMs: 500 });
      await warning.close({ timeoutMs: 500 });
      await redis.stop();
    }
  });
});
