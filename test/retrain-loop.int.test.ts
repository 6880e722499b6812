import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { createApp } from '../src/app/http-app.js';
import { startWorker } from '../src/app/jobs.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { generateSynthetic } from '../src/data/synth.js';
import { createLogger } from '../src/platform/log/logger.js';
import type { App } from '../src/platform/http/server.js';
import { trainModel } from '../src/training/train-model.js';
import { PipelineRepository } from '../src/pipelines/pipeline-repository.js';
import { PipelineScheduler } from '../src/pipelines/scheduler.js';
import { bearer } from './harness/context.js';
import { semesterWeek } from './harness/semester.js';
import { waitFor } from './harness/wait-for.js';

const MODEL = 'student-depression';

/**
 * The weekly retraining loop end to end, embedded (PGlite, inline queue), with a fake clock:
 * six weeks of survey answers through the real survey API, the scheduler ticked by hand.
 */
describe('the weekly retraining loop over a simulated semester', () => {
  let runtime: QueueRuntime;
  let app: App;
  let dataDir: string;
  // Mondays 03:00 Europe/Warsaw is 02:00 UTC in winter; the semester starts on a Wednesday.
  let now = new Date('2027-01-06T10:00:00Z');
  const clock = () => now;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-retrain-'));
    const { config } = loadConfig({
      env: {},
      overrides: [
        'database.url=embedded',
        `dataDir=${dataDir}`,
        'log.level=silent',
        'train.folds=2',
        'survey.rateLimit.submissions=100000',
        'pipelines.scheduler.enabled=false',
        'pipelines.retrain.minNewRows=40',
        'pipelines.retrain.candidates=[[model=logistic],[model=gbdt,model.params.maxIter=40]]',
        'serving.rollout.defaultSteps=[50,100]',
        'serving.rollout.minSamples=40',
        'serving.rollout.minLabelled=30',
        'serving.rollout.minPerClass=5',
      ],
    });
    runtime = await openRuntime(config, { log: createLogger(config.log), queue: true, clock });
    await startWorker(runtime);
    const base = await storeSyntheticDataset(runtime.datasets, {
      rows: 3000,
      seed: 11,
      settings: config.data,
      config: {},
    });
    const first = await trainModel(runtime, {
      dataset: (await runtime.datasets.resolve(base.datasetId))!,
      config,
      codeVersion: 'sdp@test',
    });
    expect(first.aliases).toContain('champion');
    app = await createApp(runtime, 'test');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const submit = async (bodies: Record<string, unknown>[]) => {
    for (const body of bodies) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/survey/responses',
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  };

  /** To the Monday after `now`, 04:00 UTC: the week's interval has ended. */
  const toNextMonday = () => {
    const next = new Date(now);
    next.setUTCDate(next.getUTCDate() + ((8 - next.getUTCDay()) % 7 || 7));
    next.setUTCHours(4, 0, 0, 0);
    now = next;
  };

  const runWeek = async (week: {
    responses: number;
    seed: number;
    shuffleLabels?: boolean;
    skipOptionalShare?: number;
  }) => {
    now = new Date(now.getTime() + 2 * 86_400_000); // Wednesday: respondents answer
    const { bodies } = semesterWeek(week);
    await submit(bodies);
    toNextMonday();
    const first = await runtime.scheduler.tick();
    const again = await runtime.scheduler.tick(); // a second look fires nothing more
    expect(first.leader).toBe(true);
    expect(again.fired).toEqual([]);
    expect(first.fired).toHaveLength(1);
    const [runKey] = first.fired.map((f) => f.split('@')[1]);
    let run = (await runtime.pipelines.runs({ pipeline: 'retrain' })).find(
      (r) => r.run_key === runKey,
    )!;
    await waitFor(
      async () => {
        run = (await runtime.pipelines.show(run.id)).run;
        return ['succeeded', 'failed', 'skipped'].includes(run.state);
      },
      { timeoutMs: 240_000, intervalMs: 100, what: `retrain run ${run.id} to end` },
    );
    return runtime.pipelines.show(run.id);
  };

  /** Live traffic with ground truth, until the rollout's own analysis ends it. */
  const driveCanary = async () => {
    let seed = 1000;
    for (let round = 0; round < 10; round++) {
      const { rollout } = await runtime.rollouts.status(MODEL);
      if (!rollout || rollout.status !== 'active') break;
      await runtime.predictions.refresh(); // as its 2 s timer would: routes follow the rollout
      for (const { depression, ...record } of generateSynthetic({ rows: 150, seed: seed++ })) {
        const key = `sim-${seed}-${Math.random().toString(36).slice(2)}`;
        runtime.predictions.predict(record, key);
        await runtime.predictions.recordOutcome(key, depression);
      }
      await runtime.predictions.flushLog();
      await runtime.rollouts.analyze(MODEL);
    }
    const { rollout, analyses } = await runtime.rollouts.status(MODEL);
    expect(rollout?.status, JSON.stringify(analyses.map((a) => [a.outcome, a.reasons]))).toBe(
      'promoted',
    );
  };

  it('runs once a week: a good week is promoted through a canary, a thin week is skipped, a mislabelled week is refused, a week of skipped items enters training', async () => {
    expect((await runtime.scheduler.tick()).fired).toEqual([]); // first sight: nothing past is run

    // Week 1: enough genuine answers → candidates pass the gate → canary → promoted.
    const week1 = await runWeek({ responses: 160, seed: 1 });
    expect(week1.run.state, week1.run.summary ?? '').toBe('succeeded');
    expect(week1.tasks.map((t) => [t.task_id, t.state])).toEqual([
      ['export-survey', 'succeeded'],
      ['build-training-set', 'succeeded'],
      ['train-1', 'succeeded'],
      ['train-2', 'succeeded'],
      ['evaluate', 'succeeded'],
      ['gate', 'succeeded'],
      ['rollout', 'succeeded'],
    ]);
    const passed = week1.tasks.find((t) => t.task_id === 'gate')!.output as {
      decision: string;
      version: number;
    };
    expect(passed.decision).toBe('challenger');
    await driveCanary();
    expect((await runtime.registry.resolveVersion(`${MODEL}@champion`)).version).toBe(
      passed.version,
    );

    // Week 2: too few answers → skipped with the reason; nothing trained.
    const week2 = await runWeek({ responses: 12, seed: 2 });
    expect(week2.run.state).toBe('skipped');
    expect(week2.run.summary).toMatch(/^12 new labelled survey responses .* fewer than the 40/);
    expect(week2.tasks.filter((t) => t.state !== 'skipped')).toEqual([]);

    // Week 3: labels shuffled → a challenger the gate refuses; that week is left out of training.
    const week3 = await runWeek({ responses: 200, seed: 3, shuffleLabels: true });
    expect(week3.run.state).toBe('succeeded');
    const refused = week3.tasks.find((t) => t.task_id === 'gate')!.output as {
      decision: string;
      reasons: string[];
      excludeFromTraining: string;
    };
    expect(refused.decision).toBe('refused');
    expect(refused.reasons.join(' ')).toMatch(/under the floor 0.7/);
    expect(refused.excludeFromTraining).toMatch(/^ds_/);
    expect(week3.tasks.find((t) => t.task_id === 'rollout')!.state).toBe('skipped');
    expect(week3.run.summary).toMatch(/^gate refused every candidate/);

    // Week 4: genuine answers, a third of them with every optional item skipped: they enter
    // the training set (not manual review), the mislabelled week does not, and it is promoted.
    const week4 = await runWeek({ responses: 160, seed: 4, skipOptionalShare: 0.3 });
    expect(week4.run.state, week4.run.summary ?? '').toBe('succeeded');
    const built = week4.tasks.find((t) => t.task_id === 'build-training-set')!;
    expect(built.log.map((l) => l.message).join('\n')).toMatch(
      /1 left out: their labels looked wrong/,
    );
    const training = String((built.output as { trainingDatasetId: string }).trainingDatasetId);
    const sparse = await sql<{ n: number }>`
      select count(*)::int as n from dataset_row
      where dataset_id = ${training} and city is null and cgpa is null and family_history is null`.execute(
      runtime.database.db,
    );
    expect(sparse.rows[0].n).toBeGreaterThan(20);
    expect((await runtime.surveys.countByState()).manual_review).toBe(0);
    await driveCanary();

    // Weeks 5 and 6: a silent week, then a normal one.
    expect((await runWeek({ responses: 0, seed: 5 })).run.state).toBe('skipped');
    expect((await runWeek({ responses: 120, seed: 6 })).run.state).toBe('succeeded');

    const runs = await runtime.pipelines.runs({ pipeline: 'retrain' });
    expect(runs.filter((r) => r.trigger === 'schedule')).toHaveLength(6);
    expect(new Set(runs.map((r) => r.run_key)).size).toBe(6);
    // Each decision is in the audit history with its reasons.
    const decisions = (await runtime.audit.list({ limit: 100 }))
      .filter((e) => e.action.startsWith('pipeline.gate'))
      .map((e) => e.action);
    expect(decisions.sort()).toEqual([
      'pipeline.gate.pass',
      'pipeline.gate.pass',
      'pipeline.gate.pass',
      'pipeline.gate.refuse',
    ]);
  }, 900_000);

  it('has one scheduler among several: a second waits for the lease, takes over when the leader stops renewing, and fires nothing twice', async () => {
    const { config } = runtime;
    const second = new PipelineScheduler(
      runtime.pipelines,
      new PipelineRepository(runtime.database.db),
      { retrain: config.pipelines.retrain.schedule },
      { clock, leaseMs: config.pipelines.scheduler.leaseMs, log: runtime.log },
    );
    const before = (await runtime.pipelines.runs({ pipeline: 'retrain' })).length;
    toNextMonday();
    const [a, b] = await Promise.all([runtime.scheduler.tick(), second.tick()]);
    expect([a.leader, b.leader]).toEqual([true, false]);
    // The leader dies (stops renewing); after its lease the other takes over the same week.
    now = new Date(now.getTime() + config.pipelines.scheduler.leaseMs + 1000);
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
    toNextMonday();
    expect((await runtime.scheduler.tick()).fired).toEqual([]); // paused: not scheduled
    await app.inject({ method: 'POST', url: '/v1/pipelines/retrain/resume', headers: operator });
    expect((await runtime.scheduler.tick()).fired).toHaveLength(1);
  });
});
