import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { createApp } from '../src/app/http-app.js';
import { startWorker } from '../src/app/jobs.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { createLogger } from '../src/platform/log/logger.js';
import type { App } from '../src/platform/http/server.js';
import { Semester, SEMESTER_OVERRIDES, semesterWeek } from './harness/semester.js';
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from './harness/services.js';
import { waitFor } from './harness/wait-for.js';

/**
 * A retrain run through the faults of its two stores, on throwaway servers of this test's own:
 * Redis restarted empty (the run's queued jobs are gone) and PostgreSQL crashed (a task cannot
 * record its outcome). Either way the run ends succeeded, no task ran twice at once, and nothing
 * is left `running`. The scheduler's tick (which also repairs lost tasks) is called as its
 * timer would, errors and all.
 */
describe('a retrain run through Redis and PostgreSQL faults', () => {
  const semester = new Semester();
  let redis: ThrowawayRedis;
  let postgres: ThrowawayPostgres;
  let runtime: QueueRuntime;
  let app: App;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-pipeline-outage-'));
  let week = 0;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startThrowawayRedis(), startThrowawayPostgres()]);
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${postgres.url}`,
        `queue.url=${redis.url}`,
        `dataDir=${dataDir}`,
        'queue.lockDurationMs=5000',
        'queue.backoffMs=200',
        'database.startupTimeoutMs=30000',
        ...SEMESTER_OVERRIDES,
        // Trees long enough to fault in the middle of.
        'pipelines.retrain.candidates=[[model=logistic],[model=gbdt,model.params.maxIter=300]]',
      ],
    });
    runtime = await openRuntime(config, {
      log: createLogger(config.log),
      queue: true,
      clock: semester.clock,
    });
    await startWorker(runtime);
    app = await createApp(runtime, 'test');
    await semester.prepare(runtime, app);
    await runtime.scheduler.tick(); // first sight of the schedule
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await runtime?.close().catch(() => {});
    await Promise.all([redis?.stop(), postgres?.remove()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Fires one week's run, breaks things while its gbdt candidate trains, sees it through. */
  async function runThrough(fault: () => Promise<void>) {
    semester.now = new Date(semester.now.getTime() + 2 * 86_400_000);
    await semester.submit(semesterWeek({ responses: 120, seed: 100 + week++ }).bodies);
    semester.toNextMonday();
    expect((await runtime.scheduler.tick()).fired).toHaveLength(1);
    const [{ id }] = await runtime.pipelines.runs({ pipeline: 'retrain', limit: 1 });
    await waitFor(
      async () =>
        (await runtime.pipelines.show(id)).tasks.find((t) => t.task_id === 'train-2')!.state ===
        'running',
      { timeoutMs: 120_000, intervalMs: 25, what: 'train-2 to run' },
    );
    await fault();
    await waitFor(
      async () => {
        await runtime.scheduler.tick().catch(() => {}); // as its timer: it may fail while a store is down
        const state = await runtime.pipelines
          .show(id)
          .then((d) => d.run.state)
          .catch(() => 'unknown');
        return ['succeeded', 'failed', 'skipped'].includes(state);
      },
      { timeoutMs: 240_000, intervalMs: 500, what: `run ${id} to end after the fault` },
    );
    return runtime.pipelines.show(id);
  }

  it('Redis restarted empty mid-run: the running try finishes and records its outcome, nothing runs twice, the run completes', async () => {
    const details = await runThrough(() => redis.restart());
    expect(details.run.state, details.run.summary ?? '').toBe('succeeded');
    // The try that was running kept running (it still beat) and recorded its outcome: no
    // task was tried twice, least of all two tries at once.
    expect(details.tasks.map((t) => [t.task_id, t.state, t.attempts])).toEqual(
      details.tasks.map((t) => [t.task_id, 'succeeded', 1]),
    );
  }, 600_000);

  it('PostgreSQL crashed mid-run: the task that could not record its outcome is tried again, and the run completes', async () => {
    const details = await runThrough(async () => {
      await postgres.stop('immediate');
      await sleep(4000); // longer than the candidate's training: its try cannot record its end
      await postgres.start();
    });
    expect(details.run.state, details.run.summary ?? '').toBe('succeeded');
    const train = details.tasks.find((t) => t.task_id === 'train-2')!;
    expect(train.state).toBe('succeeded');
    // Tries are claimed one at a time, fenced on the try count: no two at once.
    const tries = train.log
      .filter((l) => /^try \d of \d on /.test(l.message))
      .map((l) => l.attempt);
    expect(tries).toEqual([...new Set(tries)]);
    expect(
      await runtime.pipelines.runs({ pipeline: 'retrain', states: ['running', 'queued'] }),
    ).toEqual([]);
  }, 600_000);
});
