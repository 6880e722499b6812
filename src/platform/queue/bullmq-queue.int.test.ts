import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedis } from '../../../test/harness/context.js';
import { createJobQueue } from './create-job-queue.js';
import type { JobQueue } from './job-queue.js';
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
