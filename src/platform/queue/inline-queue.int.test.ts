import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../../test/harness/backends.js';
import type { DatabaseHandle } from '../db/database.js';
import { createJobQueue } from './create-job-queue.js';
import { toJobId, type JobQueue } from './job-queue.js';
import { conformanceConfig, describeJobQueueConformance } from './testing/conformance.js';
import { createTestProbe, testJobSchema, type TestJobSchema } from './testing/test-jobs.js';

/** Short timings so that recovery tests run in well under a second. */
const tuning = { pollIntervalMs: 50, heartbeatMs: 100, staleAfterMs: 600 };

function openInline(handle: DatabaseHandle, name: string): JobQueue<TestJobSchema> {
  return createJobQueue({
    settings: { url: 'inline', prefix: 'sdp', ...conformanceConfig },
    database: handle,
    schema: testJobSchema,
    name,
    inline: tuning,
  });
}

for (const backend of databaseBackends) {
  // One database per backend for the whole file: PGlite takes seconds to create, and every
  // test works in a queue name of its own anyway.
  let opening: ReturnType<typeof backend.open> | undefined;
  const shared = () => (opening ??= backend.open());
  afterAll(async () => {
    if (opening) await (await opening).cleanup();
  });

  describeJobQueueConformance(`inline on ${backend.name}`, async () => {
    const { handle } = await shared();
    return {
      open: (name) => openInline(handle, name),
      injectRaw: async (name, job) => {
        await handle.db
          .insertInto('job')
          .values({
            id: job.id,
            queue: name,
            name: job.type,
            payload: JSON.stringify(job.data),
            state: 'waiting',
            max_attempts: job.attempts,
            backoff_ms: 0,
          })
          .execute();
      },
      close: async () => {},
    };
  });

  describe(`inline queue on ${backend.name}: jobs left running by a dead worker`, () => {
    let handle: DatabaseHandle;
    const opened: JobQueue<TestJobSchema>[] = [];
    beforeAll(async () => {
      ({ handle } = await shared());
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 500 })));
    });

    function open(name: string) {
      const queue = openInline(handle, name);
      opened.push(queue);
      return queue;
    }

    /**
     * Leaves a job as a process that crashed mid-job would: active, its try counted, held by
     * an owner that no longer runs, its heartbeat `heartbeatAgeMs` old.
     */
    async function crashWhileRunning(
      name: string,
      options: { attempts: number; heartbeatAgeMs: number },
    ) {
      const before = open(name);
      const id = await before.enqueue(
        { type: 'add', a: 20, b: 22 },
        { attempts: options.attempts },
      );
      await handle.db
        .updateTable('job')
        .set({
          state: 'active',
          attempts_made: 1,
          locked_by: 'inline-dead-process',
          started_at: sql`now()`,
          heartbeat_at: sql`now() - ${options.heartbeatAgeMs} * interval '1 millisecond'`,
        })
        .where('id', '=', id)
        .execute();
      return id;
    }

    const queueName = () => `r${randomBytes(4).toString('hex')}`;

    it('retries the job after a restart when attempts remain', async () => {
      const name = queueName();
      const id = await crashWhileRunning(name, { attempts: 2, heartbeatAgeMs: 3_600_000 });
      const restarted = open(name);
      const probe = createTestProbe();
      await restarted.work(probe.handlers);
      const job = await restarted.waitForJob(id, { timeoutMs: 10_000 });
      expect(job).toMatchObject({ state: 'completed', result: 42, attemptsMade: 2 });
      expect(job.error).toMatch(/interrupted/);
      expect(probe.starts).toHaveLength(1);
    });

    it('fails the job after a restart when no attempts remain', async () => {
      const name = queueName();
      const id = await crashWhileRunning(name, { attempts: 1, heartbeatAgeMs: 3_600_000 });
      const restarted = open(name);
      const probe = createTestProbe();
      await restarted.work(probe.handlers);
      const job = await restarted.getJob(id);
      expect(job).toMatchObject({ state: 'failed', attemptsMade: 1 });
      expect(job!.error).toMatch(/interrupted.*no attempts left/);
      expect(probe.starts).toHaveLength(0);
    });

    it(
      backend.name === 'embedded'
        ? 'takes back a job of another instance at once: PGlite admits one process, so that one is dead'
        : 'leaves a job with a fresh heartbeat to its live worker, and takes it back once the heartbeat is stale',
      async () => {
        const name = queueName();
        const id = await crashWhileRunning(name, { attempts: 3, heartbeatAgeMs: 0 });
        const restarted = open(name);
        await restarted.work(createTestProbe().handlers);
        if (backend.name === 'postgres') {
          expect(await restarted.getJob(id)).toMatchObject({ state: 'active' });
        }
        expect(await restarted.waitForJob(id, { timeoutMs: 10_000 })).toMatchObject({
          state: 'completed',
          attemptsMade: 2,
        });
      },
    );

    it('puts a job abandoned by close() back, so the next worker runs it', async () => {
      const name = queueName();
      const first = open(name);
      const probe = createTestProbe();
      await first.work(probe.handlers);
      const id = await first.enqueue({ type: 'sleep', ms: 20_000 }, { attempts: 2 });
      await expect.poll(() => probe.starts.length, { interval: 10 }).toBe(1);
      await first.close({ timeoutMs: 50 });
      expect(await first.getJob(id)).toMatchObject({ state: 'waiting', attemptsMade: 1 });

      // Shorten the retry so the test need not wait 20 s.
      await handle.db
        .updateTable('job')
        .set({ payload: JSON.stringify({ type: 'sleep', ms: 1 }) })
        .where('id', '=', id)
        .execute();
      const second = open(name);
      await second.work(createTestProbe().handlers);
      expect(await second.waitForJob(toJobId(id), { timeoutMs: 10_000 })).toMatchObject({
        state: 'completed',
        attemptsMade: 2,
        result: { slept: 1 },
      });
    });
  });
}
