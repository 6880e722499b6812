import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { appJobHandlers } from '../src/app/jobs.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { toJobId, type JobContext } from '../src/platform/queue/job-queue.js';
import { createLogger } from '../src/platform/log/logger.js';
import { createTestDatabase } from './harness/context.js';

// A training job that runs twice — BullMQ hands it to a second worker when the first lost its
// lock (Redis frozen past the lock duration), or it is retried after its worker died — must
// leave one run and one registered version, not two.
describe('a train job run twice', () => {
  let runtime: QueueRuntime;
  let dataDir: string;
  const context = (id: string, attempt = 1): JobContext => ({
    id: toJobId(id),
    attempt,
    maxAttempts: 3,
    signal: new AbortController().signal,
    progress: async () => {},
  });
  type Trained = { runId: string; version: number };
  const versions = async () =>
    (await runtime.registry.getModel('student-depression')).versions.map((v) => v.version);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-train-job-'));
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${await createTestDatabase()}`,
        `dataDir=${dataDir}`,
        'log.level=silent',
        'train.folds=2',
      ],
    });
    runtime = await openRuntime(config, { log: createLogger(config.log), queue: true });
    await storeSyntheticDataset(runtime.datasets, {
      rows: 1500,
      seed: 3,
      settings: config.data,
      config: {},
    });
  });
  afterAll(async () => {
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns the first attempt’s version the second time instead of training again', async () => {
    const train = appJobHandlers(runtime).train;
    const first = (await train(
      { type: 'train', overrides: [] },
      context('train-twice'),
    )) as Trained;
    const second = await train({ type: 'train', overrides: [] }, context('train-twice', 2));
    expect(second).toMatchObject({ runId: first.runId, version: first.version });
    expect(await versions()).toEqual([first.version]);
  });

  it('waits while an earlier attempt is still alive, and replaces it once it died', async () => {
    const train = appJobHandlers(runtime).train;
    const before = await versions();
    const alive = await runtime.tracking.startRun({
      experiment: 'default',
      name: 'an earlier attempt',
      jobId: 'train-alive',
    });
    let settled = false;
    const second = Promise.resolve(
      // Other inputs than the first test's, so that this is a new model, not a reused version.
      train({ type: 'train', overrides: ['train.seed=11'] }, context('train-alive', 2)),
    ).finally(() => (settled = true));
    // Still waiting for the live attempt after several of its polls: nothing trained.
    const runCount = async () =>
      (await runtime.tracking.listRuns({ experiment: 'default' })).length;
    const runsBefore = await runCount();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(settled).toBe(false);
    expect(await runCount()).toBe(runsBefore);

    // That attempt's process died: its heartbeat is old. The waiting attempt replaces it.
    await runtime.database.db
      .updateTable('run')
      .set({ heartbeat_at: new Date(Date.now() - 10 * 60_000) })
      .where('id', '=', alive.id)
      .execute();
    const replaced = (await second) as Trained;
    expect(await runtime.tracking.getRun(alive.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('attempt 2 of job train-alive replaces it'),
    });
    expect(await versions()).toEqual([replaced.version, ...before]);
  });
});
