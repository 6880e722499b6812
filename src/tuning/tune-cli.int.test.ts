/**
 * Acceptance, with the real program (dist/; needs `npm run build`): two `sdp tune --study s1`
 * processes share one study on PostgreSQL and one is SIGKILLed mid-trial — its trial is marked
 * failed once its heartbeat expires, the survivor runs a replacement and finishes the study;
 * and `sdp tune --distributed` hands every trial to an `sdp worker` over BullMQ.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testRedis } from '../../test/harness/context.js';
import { REPO_ROOT, SDP_BIN } from '../../test/harness/sdp-process.js';
import { waitFor } from '../../test/harness/wait-for.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.js';
import { StudyRepository } from './study-repository.js';

const TRIALS = 8;
const tuneArgs = [
  'tune',
  '--data',
  'synthetic-800',
  '--study',
  's1',
  '--json',
  'model=gbdt',
  `tune.trials=${TRIALS}`,
  'tune.parallelism=1',
  'tune.folds=2',
  'tune.pruner=none',
  'tune.register=false',
  'tune.heartbeat.intervalMs=200',
  'tune.heartbeat.timeoutMs=1500',
  'model.params.maxIter=150',
  'model.params.earlyStopping=false',
];

/** The real program with these arguments; `done` resolves with its exit code and output. */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): {
  child: ChildProcess;
  output: () => string;
  done: Promise<{ code: number | null; out: string }>;
} {
  const child = spawn(process.execPath, [SDP_BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  return {
    child,
    output: () => out,
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, out }))),
  };
}

/** A fresh PostgreSQL database and data directory holding one synthetic dataset. */
async function studyFixture(): Promise<{
  env: NodeJS.ProcessEnv;
  dataDir: string;
  database: DatabaseHandle;
  datasetName: string;
}> {
  const url = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-tune-'));
  const env = {
    ...process.env,
    DATABASE_URL: url,
    SDP_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
  };
  await promisify(execFile)(
    process.execPath,
    [SDP_BIN, 'synth', '--rows', '3000', '--seed', '3', '--store', '--json'],
    { cwd: REPO_ROOT, env },
  );
  const database = await openDatabase({ url, poolSize: 2 }, dataDir);
  const { name } = await database.db.selectFrom('dataset').select('name').executeTakeFirstOrThrow();
  return { env, dataDir, database, datasetName: name };
}

describe('sdp tune: two processes on one study, one killed', () => {
  let fixture: Awaited<ReturnType<typeof studyFixture>>;
  beforeAll(async () => {
    fixture = await studyFixture();
  });
  afterAll(async () => {
    await fixture?.database.close();
    if (fixture) rmSync(fixture.dataDir, { recursive: true, force: true });
  });

  it(
    'finishes the study with unique trial numbers; the killed worker’s trial ends failed',
    { timeout: 60_000 },
    async () => {
      const { env, database, datasetName } = fixture;
      const args = tuneArgs.map((arg) => (arg === 'synthetic-800' ? datasetName : arg));
      const victim = run(args, env);
      const survivor = run(args, env);

      // Kill the victim while it is inside a trial, once some trial has finished.
      const repository = new StudyRepository(database.db);
      let killedTrial: number | undefined;
      await waitFor(
        async () => {
          const study = await repository.findByName('s1');
          const trials = study ? await repository.trials(study.id) : [];
          const byVictim = trials.filter(
            (t) => t.worker.split(':')[1] === String(victim.child.pid),
          );
          const running = byVictim.find((t) => t.state === 'running');
          if (!running || !trials.some((t) => t.state !== 'running')) return false;
          victim.child.kill('SIGKILL');
          killedTrial = running.number;
          return true;
        },
        { timeoutMs: 40_000, intervalMs: 10, what: 'the victim inside a trial' },
      );
      expect(killedTrial).toBeDefined();
      expect((await victim.done).code).toBeNull(); // killed

      const { code, out } = await survivor.done;
      expect(code, out).toBe(0);
      const summary = JSON.parse(out.slice(out.indexOf('{')));
      expect(summary.study).toBe('s1');
      expect(summary.trials.complete + summary.trials.pruned).toBe(TRIALS);

      const study = (await repository.findByName('s1'))!;
      expect(study.state).toBe('complete');
      const trials = await repository.trials(study.id);
      expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i)); // unique, no gaps
      expect(trials.filter((t) => t.state === 'complete')).toHaveLength(TRIALS);
      expect(trials.filter((t) => t.state === 'running')).toEqual([]);
      const killed = trials.find((t) => t.number === killedTrial)!;
      expect(killed).toMatchObject({ state: 'failed', error: expect.stringMatching(/heartbeat/) });
      expect(summary.trials.failed).toBe(trials.filter((t) => t.state === 'failed').length);
      // Every finished trial is a child run of the study's run (the killed one may have died before its run existed).
      const runs = await database.db.selectFrom('run').select(['id', 'parent_run_id']).execute();
      const parents = trials
        .filter((t) => t.state !== 'failed')
        .map((t) => runs.find((run) => run.id === t.runId)?.parent_run_id);
      expect(parents).toEqual(new Array(TRIALS).fill(study.runId));
    },
  );
});

describe('sdp tune --distributed', () => {
  let fixture: Awaited<ReturnType<typeof studyFixture>>;
  let worker: ReturnType<typeof run> | undefined;
  beforeAll(async () => {
    fixture = await studyFixture();
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.done;
    }
    await fixture?.database.close();
    if (fixture) rmSync(fixture.dataDir, { recursive: true, force: true });
  });

  it(
    'runs every trial on an `sdp worker` over BullMQ, none in the tuning process',
    { timeout: 60_000 },
    async () => {
      const { database, datasetName } = fixture;
      const redis = testRedis();
      const env = { ...fixture.env, REDIS_URL: redis.url };
      const queue = `queue.prefix=${redis.prefix}`;
      worker = run(['worker', queue], env);
      await waitFor(() => /sdp worker is running/.test(worker!.output()), {
        timeoutMs: 30_000,
        what: 'sdp worker to start',
      });
      expect(worker.output()).toMatch(/sdp worker is running \(queue bullmq/);

      const args = tuneArgs.map((arg) =>
        arg === 'synthetic-800' ? datasetName : arg === 's1' ? 'd1' : arg,
      );
      const tune = run([...args, '--distributed', queue, 'tune.trials=4'], env);
      const { code, out } = await tune.done;
      expect(code, out).toBe(0);
      const summary = JSON.parse(out.slice(out.indexOf('{')));
      expect(summary.trials.complete + summary.trials.pruned).toBe(4);

      const repository = new StudyRepository(database.db);
      const study = (await repository.findByName('d1'))!;
      expect(study.state).toBe('complete');
      const trials = await repository.trials(study.id);
      const pids = new Set(trials.map((t) => t.worker.split(':')[1]));
      expect(pids).toEqual(new Set([String(worker.child.pid)]));
    },
  );
});
