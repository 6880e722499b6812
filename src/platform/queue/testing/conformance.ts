import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_ERROR_CODES } from '../errors.js';
import { toJobId, type JobId, type JobQueue } from '../job-queue.js';
import { createTestProbe, type TestJobSchema, type TestProbe } from './test-jobs.js';

/** Defaults every fixture configures, so that the suite's timing expectations hold. */
export const conformanceConfig = {
  attempts: 3,
  backoffMs: 20,
  concurrency: 2,
  evictionCheck: 'refuse',
  lockDurationMs: 30_000,
} as const;

/** One backend under test: opens queue instances over one shared backing store. */
export interface QueueBackendFixture {
  /**
   * A new queue instance (own connections) named `name`, with `conformanceConfig` as its
   * defaults; instances with the same name see the same jobs.
   */
  open(name: string): JobQueue<TestJobSchema>;
  /** Writes a job straight into the backing store, bypassing enqueue's validation. */
  injectRaw(
    name: string,
    job: { id: string; type: string; data: unknown; attempts: number },
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * The behaviour every `JobQueue` backend must show (the scikit-learn `check_estimator`
 * pattern): call it from a backend's integration test file with a fixture factory.
 */
export function describeJobQueueConformance(
  label: string,
  setup: () => Promise<QueueBackendFixture>,
): void {
  describe(`JobQueue conformance: ${label}`, () => {
    let fixture: QueueBackendFixture;
    const opened: JobQueue<TestJobSchema>[] = [];

    beforeAll(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 500 })));
    });
    afterAll(async () => {
      await fixture?.close();
    });

    /** A fresh queue name per test, so tests sharing a backing store never see each other's jobs. */
    function open(name = `q${randomBytes(4).toString('hex')}`) {
      const queue = fixture.open(name);
      opened.push(queue);
      return queue;
    }
    async function working(
      concurrency?: number,
    ): Promise<{ queue: JobQueue<TestJobSchema>; probe: TestProbe }> {
      const queue = open();
      const probe = createTestProbe();
      await queue.work(probe.handlers, concurrency ? { concurrency } : {});
      return { queue, probe };
    }

    it('runs a job and stores its result', async () => {
      const { queue } = await working();
      const id = await queue.enqueue({ type: 'add', a: 2, b: 3 });
      const job = await queue.waitForJob(id, { timeoutMs: 10_000 });
      expect(job).toMatchObject({
        id,
        name: 'add',
        payload: { type: 'add', a: 2, b: 3 },
        state: 'completed',
        result: 5,
        error: null,
        attemptsMade: 1,
        maxAttempts: conformanceConfig.attempts,
      });
      expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(job.createdAt.getTime());
      expect(await queue.getJob(id)).toEqual(job);
      expect(await queue.counts()).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 1,
        failed: 0,
      });
    });

    it('shows progress reported while the job runs', async () => {
      const { queue, probe } = await working();
      const id = await queue.enqueue({ type: 'gate', key: 'g' });
      await probe.gateReached('g');
      expect(await queue.getJob(id)).toMatchObject({
        state: 'active',
        progress: 50,
        attemptsMade: 1,
      });
      expect((await queue.counts()).active).toBe(1);
      probe.openGate('g');
      expect(await queue.waitForJob(id, { timeoutMs: 10_000 })).toMatchObject({
        state: 'completed',
        progress: 100,
        result: { key: 'g' },
      });
    });

    it('retries with exponential backoff, then succeeds', async () => {
      const { queue, probe } = await working();
      const id = await queue.enqueue(
        { type: 'fail-n-times', failures: 2 },
        { attempts: 3, backoffMs: 60 },
      );
      const job = await queue.waitForJob(id, { timeoutMs: 10_000 });
      expect(job).toMatchObject({ state: 'completed', result: { attempt: 3 }, attemptsMade: 3 });
      const [first, second, third] = probe.starts.map((start) => start.at);
      // 60 ms then 120 ms; a little slack for timer granularity.
      expect(second - first).toBeGreaterThanOrEqual(50);
      expect(third - second).toBeGreaterThanOrEqual(110);
    });

    it('shows a job waiting for its retry as delayed, with the error of the failed try', async () => {
      const { queue } = await working();
      const id = await queue.enqueue(
        { type: 'fail-n-times', failures: 1 },
        { attempts: 2, backoffMs: 1000 },
      );
      await expect
        .poll(() => queue.getJob(id), { timeout: 5000, interval: 20 })
        .toMatchObject({
          state: 'delayed',
          error: 'failure 1',
          attemptsMade: 1,
        });
      expect((await queue.counts()).delayed).toBe(1);
    });

    it('fails with the last error once attempts are exhausted', async () => {
      const { queue, probe } = await working();
      const id = await queue.enqueue(
        { type: 'fail-n-times', failures: 5 },
        { attempts: 2, backoffMs: 10 },
      );
      expect(await queue.waitForJob(id, { timeoutMs: 10_000 })).toMatchObject({
        state: 'failed',
        error: 'failure 2',
        attemptsMade: 2,
        maxAttempts: 2,
        result: null,
      });
      expect(probe.starts).toHaveLength(2);
      expect((await queue.counts()).failed).toBe(1);
    });

    it('fails at once on an unrecoverable error, whatever attempts remain', async () => {
      const { queue, probe } = await working();
      const id = await queue.enqueue(
        { type: 'reject', reason: 'dataset missing' },
        { attempts: 5 },
      );
      expect(await queue.waitForJob(id, { timeoutMs: 10_000 })).toMatchObject({
        state: 'failed',
        error: 'dataset missing',
        attemptsMade: 1,
      });
      expect(probe.starts).toHaveLength(1);
    });

    it('rejects an invalid payload at enqueue and enqueues nothing', async () => {
      const queue = open();
      // @ts-expect-error a string where the schema wants a number
      const wrongField = queue.enqueue({ type: 'add', a: 'two', b: 3 });
      await expect(wrongField).rejects.toMatchObject({
        code: QUEUE_ERROR_CODES.invalidPayload,
        details: [expect.objectContaining({ field: 'a' })],
      });
      // @ts-expect-error a type the union does not have
      await expect(queue.enqueue({ type: 'nope' })).rejects.toMatchObject({
        code: QUEUE_ERROR_CODES.invalidPayload,
      });
      await expect(queue.enqueue({ type: 'add', a: 1, b: 1 }, { jobId: '42' })).rejects.toThrow(
        /jobId/,
      );
      expect(await queue.counts()).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
      expect(await queue.list()).toEqual([]);
    });

    it('fails a stored job with an invalid payload without retrying it', async () => {
      const { queue, probe } = await working();
      await fixture.injectRaw(queue.name, {
        id: 'raw-1',
        type: 'add',
        data: { type: 'add', a: 'x' },
        attempts: 3,
      });
      const job = await queue.waitForJob(toJobId('raw-1'), { timeoutMs: 10_000 });
      expect(job).toMatchObject({ state: 'failed', attemptsMade: 1 });
      expect(job.error).toMatch(/Invalid job payload: a: /);
      expect(probe.starts).toHaveLength(0);
    });

    it('never runs more jobs at once than its concurrency', async () => {
      const { queue, probe } = await working(2);
      const ids = await Promise.all(
        Array.from({ length: 6 }, () => queue.enqueue({ type: 'sleep', ms: 80 })),
      );
      const jobs = await Promise.all(ids.map((id) => queue.waitForJob(id, { timeoutMs: 10_000 })));
      expect(jobs.every((job) => job.state === 'completed')).toBe(true);
      expect(probe.maxInFlight).toBe(2);
    });

    it('enqueues a jobId once, however often it is enqueued', async () => {
      const { queue, probe } = await working();
      const first = await queue.enqueue({ type: 'add', a: 1, b: 1 }, { jobId: 'order-7' });
      const again = await queue.enqueue({ type: 'add', a: 5, b: 5 }, { jobId: 'order-7' });
      expect([first, again]).toEqual(['order-7', 'order-7']);
      expect(await queue.waitForJob(first, { timeoutMs: 10_000 })).toMatchObject({
        state: 'completed',
        result: 2,
      });
      await queue.enqueue({ type: 'add', a: 9, b: 9 }, { jobId: 'order-7' });
      expect(await queue.getJob(first)).toMatchObject({ state: 'completed', result: 2 });
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 1 });
      expect(probe.starts).toHaveLength(1);
    });

    it('holds a delayed job back until its delay has passed', async () => {
      const { queue } = await working();
      const id = await queue.enqueue({ type: 'add', a: 1, b: 2 }, { delayMs: 400 });
      expect(await queue.getJob(id)).toMatchObject({ state: 'delayed' });
      expect((await queue.counts()).delayed).toBe(1);
      const job = await queue.waitForJob(id, { timeoutMs: 10_000 });
      expect(job.state).toBe('completed');
      expect(job.startedAt!.getTime() - job.createdAt.getTime()).toBeGreaterThanOrEqual(380);
    });

    it('close() waits for running jobs and takes no new ones', async () => {
      const { queue, probe } = await working(1);
      const running = await queue.enqueue({ type: 'gate', key: 'c' });
      const queued = await queue.enqueue({ type: 'add', a: 1, b: 1 });
      await probe.gateReached('c');
      let closed = false;
      const closing = queue.close({ timeoutMs: 10_000 }).then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toBe(false);
      probe.openGate('c');
      await closing;
      const observer = open(queue.name);
      expect(await observer.getJob(running)).toMatchObject({
        state: 'completed',
        result: { key: 'c' },
      });
      expect(await observer.getJob(queued)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
      expect(probe.starts.map((start) => start.id)).toEqual([running]);
      await expect(queue.enqueue({ type: 'add', a: 1, b: 1 })).rejects.toThrow(/closed/);
    });

    it('close() stops waiting after its timeout and aborts the running job', async () => {
      const { queue, probe } = await working(1);
      // The job would outlast the test's own timeout: a close() that waited for it, instead
      // of giving up after 150 ms, fails the test without a stopwatch.
      const id = await queue.enqueue({ type: 'sleep', ms: 600_000 });
      await expect.poll(() => probe.starts.length, { interval: 10 }).toBe(1);
      await queue.close({ timeoutMs: 150 });
      expect(probe.aborted).toEqual([id]);
    });

    it('waitForJob times out on an unfinished job and rejects an unknown id', async () => {
      const { queue, probe } = await working();
      const id = await queue.enqueue({ type: 'gate', key: 'w' });
      await expect(queue.waitForJob(id, { timeoutMs: 150 })).rejects.toMatchObject({
        code: QUEUE_ERROR_CODES.waitTimeout,
      });
      probe.openGate('w');
      await expect(
        queue.waitForJob(toJobId('no-such-job'), { timeoutMs: 150 }),
      ).rejects.toMatchObject({ kind: 'not_found', code: QUEUE_ERROR_CODES.jobNotFound });
      expect(await queue.getJob(toJobId('no-such-job'))).toBeUndefined();
    });

    it('lists jobs newest first, filtered by state', async () => {
      const { queue } = await working();
      const ids: JobId[] = [];
      for (const a of [1, 2, 3]) {
        ids.push(await queue.enqueue({ type: 'add', a, b: 0 }));
        await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
      }
      const failed = await queue.enqueue({ type: 'reject', reason: 'no' });
      await Promise.all([...ids, failed].map((id) => queue.waitForJob(id, { timeoutMs: 10_000 })));
      const completed = await queue.list({ state: 'completed' });
      expect(completed.map((job) => job.id)).toEqual([...ids].reverse());
      expect((await queue.list({ state: 'failed' })).map((job) => job.id)).toEqual([failed]);
      expect(await queue.list({ limit: 2 })).toHaveLength(2);
    });

    it('answers ping and describes itself', async () => {
      const queue = open();
      await queue.ping();
      expect(queue.describe()).toContain(queue.kind);
      expect(queue.describe()).toContain(queue.name);
      expect(queue.location).not.toMatch(/:[^:@/]+@/); // no password
    });
  });
}
