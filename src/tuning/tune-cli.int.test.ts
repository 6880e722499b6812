/**
 * Acceptance: two `sdp tune --study s1` processes (the real program, dist/) share one study on
 * PostgreSQL; one is SIGKILLed mid-trial. Its trial is marked failed once its heartbeat
 * expires, the survivor runs a replacement and finishes the study. Needs `npm run build`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/harness/context.js';
import { REPO_ROOT, SDP_BIN } from '../../test/harness/sdp-process.js';
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

describe('sdp tune: two processes on one study, one killed', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let database: DatabaseHandle;

  beforeAll(async () => {
    const url = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-tune-'));
    env = {
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
    database = await openDatabase({ database: { url, poolSize: 2 }, dataDir });
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'finishes the study with unique trial numbers; the killed worker’s trial ends failed',
    { timeout: 60_000 },
    async () => {
      const datasetName = (
        await database.db.selectFrom('dataset').select('name').executeTakeFirstOrThrow()
      ).name;
      const args = tuneArgs.map((arg) => (arg === 'synthetic-800' ? datasetName : arg));
      const start = (): {
        child: ChildProcess;
        done: Promise<{ code: number | null; out: string }>;
      } => {
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
          done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, out }))),
        };
      };
      const victim = start();
      const survivor = start();

      // Kill the victim while it is inside a trial, once some trial has finished.
      const repository = new StudyRepository(database.db);
      let killedTrial: number | undefined;
      for (let i = 0; i < 2000 && killedTrial === undefined; i++) {
        const study = await repository.findByName('s1');
        const trials = study ? await repository.trials(study.id) : [];
        const byVictim = trials.filter((t) => t.worker.split(':')[1] === String(victim.child.pid));
        const running = byVictim.find((t) => t.state === 'running');
        if (running && trials.some((t) => t.state !== 'running')) {
          victim.child.kill('SIGKILL');
          killedTrial = running.number;
        } else await sleep(10);
      }
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
      expect(parents).toEqual(new Array(TRIALS).fill(study.run_id));
    },
  );
});
