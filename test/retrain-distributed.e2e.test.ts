import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { createApp } from '../src/app/http-app.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { PipelineRepository } from '../src/pipelines/pipeline-repository.js';
import { PipelineScheduler } from '../src/pipelines/scheduler.js';
import { createLogger } from '../src/platform/log/logger.js';
import type { App } from '../src/platform/http/server.js';
import { createTestDatabase, testRedis } from './harness/context.js';
import { playSemester, Semester, SEMESTER_OVERRIDES, semesterWeek } from './harness/semester.js';
import { startSdp, type SdpProcess } from './harness/sdp-process.js';
import { waitFor } from './harness/wait-for.js';

/**
 * The semester of retrain-loop.int.test.ts, distributed: PostgreSQL, BullMQ on Redis, and two
 * real `sdp worker` processes that run every task. This process is the API and the scheduler
 * (its clock is the fake one; the workers need none: a run carries its interval). One worker is
 * killed with SIGKILL in the middle of a training task, and the scheduler dies during a run.
 */
describe('the retraining loop, distributed over two sdp workers', () => {
  const semester = new Semester();
  let runtime: QueueRuntime;
  let app: App;
  let dataDir: string;
  const workers: SdpProcess[] = [];
  let shared: string[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-retrain-distributed-'));
    const redis = testRedis();
    const database = await createTestDatabase();
    env = { DATABASE_URL: database, REDIS_URL: redis.url };
    shared = [
      `queue.prefix=${redis.prefix}`,
      // A killed worker's job goes to the other one within seconds, not the default 30 s.
      'queue.lockDurationMs=5000',
      ...SEMESTER_OVERRIDES.filter((o) => !o.startsWith('log.level')),
      // Trees long enough to be killed in the middle of.
      'pipelines.retrain.candidates=[[model=logistic],[model=gbdt,model.params.maxIter=300]]',
    ];
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${database}`,
        `queue.url=${redis.url}`,
        `dataDir=${dataDir}`,
        ...shared,
        'log.level=silent',
      ],
    });
    runtime = await openRuntime(config, {
      log: createLogger(config.log),
      queue: true,
      clock: semester.clock,
    });
    app = await createApp(runtime, 'test');
    await semester.prepare(runtime, app);
    for (let i = 0; i < 2; i++)
      workers.push(
        await startSdp({ command: 'worker', args: shared, env, dataDir, timeoutMs: 60_000 }),
      );
  }, 180_000);

  afterAll(async () => {
    for (const worker of workers)
      if (worker.child.exitCode === null && worker.child.signalCode === null) await worker.stop();
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plays six weeks; a worker killed mid-task has its task retried on the other, and the run completes', async () => {
    let killed: { task: string; pid: number } | undefined;
    await playSemester(semester, async (runId) => {
      // Week 4: find the gbdt candidate running on a worker, and SIGKILL that worker.
      let pid: number | undefined;
      await waitFor(
        async () => {
          const task = (await runtime.pipelines.show(runId)).tasks.find(
            (t) => t.task_id === 'train-2',
          )!;
          const line = task.state === 'running' ? task.log.at(-1)?.message : undefined;
          pid = Number(/ pid (\d+)$/.exec(line ?? '')?.[1]) || undefined;
          return pid !== undefined;
        },
        { timeoutMs: 120_000, intervalMs: 25, what: 'train-2 to run on a worker' },
      );
      const victim = workers.find((w) => w.child.pid === pid)!;
      expect(victim, `a worker with pid ${pid}`).toBeDefined();
      await victim.stop('SIGKILL');
      killed = { task: 'train-2', pid: pid! };
    });
    const week4 = (await runtime.pipelines.runs({ pipeline: 'retrain', limit: 10 })).find(
      (r) => r.trigger === 'schedule' && r.state === 'succeeded' && r.summary?.includes('rollout'),
    );
    expect(week4).toBeDefined();
    const runs = await runtime.pipelines.runs({ pipeline: 'retrain', limit: 10 });
    const retried = (
      await Promise.all(runs.map(async (r) => (await runtime.pipelines.show(r.id)).tasks))
    )
      .flat()
      .find((t) => t.task_id === killed!.task && t.attempts === 2)!;
    expect(retried, 'the killed task, tried twice').toBeDefined();
    const messages = retried.log.map((l) => l.message);
    expect(messages).toContain('this try was interrupted (its process stopped)');
    const pids = messages
      .flatMap((m) => /^try \d of \d on .* pid (\d+)$/.exec(m)?.[1] ?? [])
      .map(Number);
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(killed!.pid);
    expect(pids[1]).not.toBe(killed!.pid); // the other worker
    expect(retried.state).toBe('succeeded');
  }, 900_000);

  it('keeps a run going when its scheduler dies, and the next scheduler fires the next interval once', async () => {
    const runsBefore = (await runtime.pipelines.runs({ pipeline: 'retrain' })).length;
    semester.now = new Date(semester.now.getTime() + 2 * 86_400_000);
    await semester.submit(semesterWeek({ responses: 120, seed: 7 }).bodies);
    semester.toNextMonday();
    const fired = await runtime.scheduler.tick();
    expect(fired.fired).toHaveLength(1);
    // The scheduler "dies" here: it never ticks again and never gives its lease back.
    const [run] = await runtime.pipelines.runs({ pipeline: 'retrain', limit: 1 });
    await waitFor(
      async () =>
        ['succeeded', 'failed', 'skipped'].includes(
          (await runtime.pipelines.show(run.id)).run.state,
        ),
      { timeoutMs: 300_000, intervalMs: 100, what: 'the run to end without its scheduler' },
    );
    expect((await runtime.pipelines.show(run.id)).run.state).toBe('succeeded');

    const next = new PipelineScheduler(
      runtime.pipelines,
      new PipelineRepository(runtime.database.db),
      { retrain: runtime.config.pipelines.retrain.schedule },
      {
        clock: semester.clock,
        leaseMs: runtime.config.pipelines.scheduler.leaseMs,
        log: runtime.log,
      },
    );
    semester.toNextMonday();
    const first = await next.tick();
    const second = await next.tick();
    expect([first.leader, first.fired.length, second.fired.length]).toEqual([true, 1, 0]);
    const runs = await runtime.pipelines.runs({ pipeline: 'retrain' });
    expect(runs).toHaveLength(runsBefore + 2);
    expect(new Set(runs.map((r) => r.run_key)).size).toBe(runs.length);
  }, 600_000);
});
