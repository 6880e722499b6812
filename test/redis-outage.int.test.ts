import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appJobSchema } from '../src/app/jobs.js';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.js';
import { createJobQueue } from '../src/platform/queue/create-job-queue.js';
import type { JobQueue } from '../src/platform/queue/job-queue.js';
import { createTestDatabase } from './harness/context.js';
import { REPO_ROOT, SDP_BIN, startSdp, type SdpProcess } from './harness/sdp-process.js';
import { startThrowawayRedis, type ThrowawayRedis } from './harness/services.js';
import { waitFor } from './harness/wait-for.js';

const run = promisify(execFile);
/**
 * Shorter than the default 30 s, so that a freeze of seconds outlasts it; long enough that a
 * training step that keeps a loaded worker's event loop busy does not lose the lock by itself.
 */
const LOCK_MS = 5000;

// Two `sdp worker`s on PostgreSQL and a Redis of the test's own, which the test freezes
// (SIGSTOP) and restarts without persistence while a training job runs. Before jobs were
// idempotent, the freeze made BullMQ hand the job to the other worker and it trained twice
// (two versions); the restart crashed the worker (an unhandled progress rejection) and left
// its run `running`.
describe('a training job through Redis faults', () => {
  let redis: ThrowawayRedis;
  let database: DatabaseHandle;
  let queue: JobQueue<typeof appJobSchema>;
  let datasetId: string;
  const workers: SdpProcess[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-redis-fault-'));
  let env: NodeJS.ProcessEnv;
  const args = [`queue.lockDurationMs=${LOCK_MS}`, 'queue.backoffMs=200'];

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    const url = await createTestDatabase();
    env = { DATABASE_URL: url, REDIS_URL: redis.url };
    // Enough rows that training outlasts the faults below.
    await run(process.execPath, [SDP_BIN, 'synth', '--rows', '20000', '--store', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, SDP_DATA_DIR: dataDir },
    }).then(({ stdout }) => (datasetId = JSON.parse(stdout).datasetId));
    database = await openDatabase({ url, poolSize: 2 }, dataDir);
    queue = createJobQueue({
      settings: {
        url: redis.url,
        prefix: 'sdp',
        attempts: 3,
        backoffMs: 200,
        concurrency: 1,
        evictionCheck: 'refuse',
        lockDurationMs: LOCK_MS,
      },
      schema: appJobSchema,
    });
    for (let i = 0; i < 2; i++)
      workers.push(await startSdp({ command: 'worker', env, args, dataDir, timeoutMs: 60_000 }));
  }, 180_000);
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) await worker.stop('SIGKILL');
    await queue?.close({ timeoutMs: 500 });
    await database?.close();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const runsOf = async (jobId: string) =>
    (
      await sql<{ status: string }>`select status from run where job_id = ${jobId}
        or error like ${`%job ${jobId}%`}`.execute(database.db)
    ).rows.map((row) => row.status);
  /** Versions registered by the job's runs (a second training would register another). */
  const versionsOf = async (jobId: string) =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from model_version v
          join run r on r.id = v.run_id
          where r.job_id = ${jobId} or r.error like ${`%job ${jobId}%`}`.execute(database.db)
      ).rows[0].n,
    );
  const training = (jobId: string) =>
    waitFor(async () => (await runsOf(jobId)).includes('running'), {
      timeoutMs: 60_000,
      what: `job ${jobId} to start training`,
    });
  const noRunLeftRunning = () =>
    waitFor(
      async () =>
        Number(
          (
            await sql<{
              n: number;
            }>`select count(*)::int as n from run where status = 'running'`.execute(database.db)
          ).rows[0].n,
        ) === 0,
      { timeoutMs: 120_000, what: 'no run left running' },
    );

  it('frozen past the lock duration: one run, one version, both workers up', async () => {
    const jobId = 'train-through-freeze';
    await queue.enqueue(
      { type: 'train', dataset: datasetId, overrides: ['model=gbdt'] },
      { jobId },
    );
    await training(jobId);
    redis.freeze();
    await sleep(2.5 * LOCK_MS); // the fault itself: frozen past the lock's expiry
    redis.thaw();
    const job = await queue.waitForJob(jobId as never, { timeoutMs: 180_000 });
    expect(job.state).toBe('completed');
    await noRunLeftRunning();
    expect(await runsOf(jobId)).toEqual(['finished']);
    expect(await versionsOf(jobId)).toBe(1);
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
  }, 240_000);

  it('restarted without persistence mid-job: no crash, no run left running', async () => {
    const jobId = 'train-through-restart';
    await queue.enqueue(
      // Another seed: a new model, not the first test's version again.
      { type: 'train', dataset: datasetId, overrides: ['model=gbdt', 'train.seed=2'] },
      { jobId },
    );
    await training(jobId);
    await redis.restart();
    // The job is gone with Redis's data; the run it started ends anyway (finished by the
    // worker that still runs it), and nothing stays `running`.
    await noRunLeftRunning();
    expect(await runsOf(jobId)).toEqual(['finished']);
    expect(await versionsOf(jobId)).toBe(1);
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
    expect(workers.map((w) => w.output()).join('')).not.toMatch(/unhandled promise rejection/);
  }, 240_000);
});
