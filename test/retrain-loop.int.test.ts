import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { createApp } from '../src/app/http-app.js';
import { defaultDataset } from '../src/app/dataset-source.js';
import { startWorker } from '../src/app/jobs.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { createLogger } from '../src/platform/log/logger.js';
import type { App } from '../src/platform/http/server.js';
import { PipelineRepository } from '../src/pipelines/pipeline-repository.js';
import { PipelineScheduler } from '../src/pipelines/scheduler.js';
import { bearer } from './harness/context.js';
import { REPO_ROOT, SDP_BIN } from './harness/sdp-process.js';
import { playSemester, Semester, SEMESTER_OVERRIDES } from './harness/semester.js';

/**
 * The weekly retraining loop end to end, embedded (PGlite, inline queue), with a fake clock:
 * six weeks of survey answers through the real survey API, the scheduler ticked by hand.
 * (test/retrain-distributed.e2e.test.ts plays the same semester on PostgreSQL, Redis and two
 * `sdp worker` processes.)
 */
const run = promisify(execFile);

describe('the weekly retraining loop over a simulated semester', () => {
  const semester = new Semester();
  let runtime: QueueRuntime;
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-retrain-'));
    const { config } = loadConfig({
      env: {},
      overrides: ['database.url=embedded', `dataDir=${dataDir}`, ...SEMESTER_OVERRIDES],
    });
    runtime = await openRuntime(config, {
      log: createLogger(config.log),
      queue: true,
      clock: semester.clock,
    });
    await startWorker(runtime);
    app = await createApp(runtime, 'test');
    await semester.prepare(runtime, app);
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    await runtime?.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs once a week: a good week is promoted through a canary, a thin week is skipped, a mislabelled week is refused, a week of skipped items enters training', async () => {
    await playSemester(semester);
    // The survey exports and training sets the loop made are not what `sdp train` picks.
    expect((await defaultDataset(runtime))?.source).toBe('synthetic:rows=3000,seed=11');
  }, 900_000);

  it('has one scheduler among several: a second waits for the lease, takes over when the leader stops renewing, and fires nothing twice', async () => {
    const { config } = runtime;
    const second = new PipelineScheduler(
      runtime.pipelines,
      new PipelineRepository(runtime.database.db),
      { retrain: config.pipelines.retrain.schedule },
      { clock: semester.clock, leaseMs: config.pipelines.scheduler.leaseMs, log: runtime.log },
    );
    const before = (await runtime.pipelines.runs({ pipeline: 'retrain' })).length;
    semester.toNextMonday();
    const [a, b] = await Promise.all([runtime.scheduler.tick(), second.tick()]);
    expect([a.leader, b.leader]).toEqual([true, false]);
    // The leader dies (stops renewing); after its lease the other takes over the same week.
    semester.now = new Date(semester.now.getTime() + config.pipelines.scheduler.leaseMs + 1000);
    const takeover = await second.tick();
    expect(takeover).toEqual({ leader: true, fired: [] });
    expect((await runtime.scheduler.tick()).leader).toBe(false);
    expect((await runtime.pipelines.runs({ pipeline: 'retrain' })).length).toBe(before + 1);
  });

  it('answers over HTTP: viewers read runs, operators trigger and pause, the public gets nothing', async () => {
    const viewer = await bearer(runtime, 'viewer');
    const operator = await bearer(runtime, 'operator');
    const runs = await app.inject({
      method: 'GET',
      url: '/v1/pipelines/retrain/runs',
      headers: viewer,
    });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().runs.length).toBeGreaterThanOrEqual(7);
    const shown = await app.inject({
      method: 'GET',
      url: `/v1/pipelines/runs/${runs.json().runs[0].id}`,
      headers: viewer,
    });
    expect(shown.json().tasks.map((t: { taskId: string }) => t.taskId)[0]).toBe('export-survey');
    expect(
      (await app.inject({ method: 'GET', url: '/v1/pipelines/retrain/runs' })).statusCode,
    ).toBe(401);
    const trigger = (headers: Record<string, string>, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/pipelines/retrain/runs', headers, payload });
    expect((await trigger(viewer, { params: {} })).statusCode).toBe(403);
    const bad = await trigger(operator, { params: { from: 'last week' } });
    expect([bad.statusCode, bad.json().detail]).toEqual([400, expect.stringMatching(/from/)]);
    const paused = await app.inject({
      method: 'POST',
      url: '/v1/pipelines/retrain/pause',
      headers: operator,
    });
    expect(paused.statusCode).toBe(204);
    semester.toNextMonday();
    expect((await runtime.scheduler.tick()).fired).toEqual([]); // paused: not scheduled
    await app.inject({ method: 'POST', url: '/v1/pipelines/retrain/resume', headers: operator });
    expect((await runtime.scheduler.tick()).fired).toHaveLength(1);
  });

  it('shows it all on the command line: `sdp pipelines runs retrain`, with reasons', async () => {
    // The CLI opens the same embedded data directory, so this process lets go of it first.
    await app.close();
    await runtime.close();
    const { stdout } = await run(
      process.execPath,
      [SDP_BIN, 'pipelines', 'runs', 'retrain', `dataDir=${dataDir}`],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
      },
    );
    const lines = stdout.trim().split('\n').slice(2); // below the header
    expect(lines.filter((l) => / schedule /.test(l)).length).toBeGreaterThanOrEqual(7);
    expect(stdout).toMatch(/skipped .*12 new labelled survey responses .* fewer than the 40/);
    expect(stdout).toMatch(
      /succeeded .*gate refused every candidate: this interval's labels look wrong/,
    );
    expect(stdout).toMatch(/succeeded .*v\d+ passed the gate; canary rollout ro_\w+ started/);
    const [id] = /pr_[0-9a-f]{16}/.exec(lines[0])!;
    const shown = await run(
      process.execPath,
      [SDP_BIN, 'pipelines', 'run-show', id, `dataDir=${dataDir}`],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
      },
    );
    expect(shown.stdout).toMatch(/^run pr_\w+ of retrain: /);
    expect(shown.stdout).toMatch(/export-survey +- +\w+ +\d\/3/);
  }, 120_000);
});
