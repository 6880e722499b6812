import { sql } from 'kysely';
import { expect } from 'vitest';
import type { QueueRuntime } from '../../src/app/runtime.js';
import type { App } from '../../src/platform/http/server.js';
import { storeSyntheticDataset } from '../../src/data/synthetic-dataset.js';
import { trainModel } from '../../src/training/train-model.js';
import { waitFor } from './wait-for.js';
import { generateSynthetic } from '../../src/data/synth.js';
import { semesterWeek } from '../../src/survey/testing/simulated-respondents.js';

export { semesterWeek };

const MODEL = 'student-depression';

type Week = Parameters<typeof semesterWeek>[0];
type RunDetails = Awaited<ReturnType<QueueRuntime['pipelines']['show']>>;

/**
 * Drives a semester against one sdp: a fake clock the runtime was opened with, respondents
 * through the real survey API, the scheduler ticked by hand, live traffic for canaries.
 */
export class Semester {
  // Mondays 03:00 Europe/Warsaw is 02:00 UTC in winter; the semester starts on a Wednesday.
  now = new Date('2027-01-06T10:00:00Z');
  readonly clock = () => this.now;
  runtime!: QueueRuntime;
  /** Canary traffic: fresh respondents (and request keys) every round. */
  private trafficSeed = 1000;
  app!: App;

  /** The base data (3,000 synthetic rows) and a champion trained on it, as a fresh install has. */
  async prepare(runtime: QueueRuntime, app: App): Promise<void> {
    this.runtime = runtime;
    this.app = app;
    const base = await storeSyntheticDataset(runtime.datasets, {
      rows: 3000,
      seed: 11,
      settings: runtime.config.data,
      config: {},
    });
    // A first champion that ignores two strong factors: the first good week is then
    // genuinely better, and its canary's own analysis has a real difference to find.
    const { model } = runtime.config;
    const first = await trainModel(runtime, {
      dataset: (await runtime.datasets.resolve(base.datasetId))!,
      config: {
        ...runtime.config,
        model: { ...model, exclude: [...model.exclude, 'suicidal_thoughts', 'academic_pressure'] },
      },
      codeVersion: 'sdp@test',
    });
    expect(first.aliases).toContain('champion');
  }

  async submit(bodies: Record<string, unknown>[]): Promise<void> {
    for (const body of bodies) {
      const response = await this.app.inject({
        method: 'POST',
        url: '/v1/survey/responses',
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  }

  /** To the Monday after now, 04:00 UTC: the week's interval has ended. */
  toNextMonday(): void {
    const next = new Date(this.now);
    next.setUTCDate(next.getUTCDate() + ((8 - next.getUTCDay()) % 7 || 7));
    next.setUTCHours(4, 0, 0, 0);
    this.now = next;
  }

  /** A week of answers, then Monday: exactly one run fires; resolves when it has ended. */
  async runWeek(week: Week, whileRunning?: (runId: string) => Promise<void>): Promise<RunDetails> {
    const { runtime } = this;
    this.now = new Date(this.now.getTime() + 2 * 86_400_000); // Wednesday: respondents answer
    await this.submit(semesterWeek(week).bodies);
    this.toNextMonday();
    const first = await runtime.scheduler.tick();
    const again = await runtime.scheduler.tick(); // a second look fires nothing more
    expect(first.leader).toBe(true);
    expect(again.fired).toEqual([]);
    expect(first.fired).toHaveLength(1);
    const runKey = first.fired[0].split('@')[1];
    const runId = (await runtime.pipelines.runs({ pipeline: 'retrain' })).find(
      (r) => r.run_key === runKey,
    )!.id;
    await whileRunning?.(runId);
    await waitFor(
      async () => {
        await runtime.scheduler.tick(); // as its timer would: repairs lost tasks, fires nothing new
        return ['succeeded', 'failed', 'skipped'].includes(
          (await runtime.pipelines.show(runId)).run.state,
        );
      },
      { timeoutMs: 300_000, intervalMs: 200, what: `retrain run ${runId} to end` },
    );
    return runtime.pipelines.show(runId);
  }

  /**
   * Live traffic with ground truth until the rollout's own analysis ends it: promoted, or
   * (`either`) promoted or rolled back — two near-equal models may go either way, rightly.
   */
  async driveCanary(expected: 'promoted' | 'either' = 'promoted'): Promise<void> {
    const { runtime } = this;
    for (let round = 0; round < 10; round++) {
      const { rollout } = await runtime.rollouts.status(MODEL);
      if (!rollout || rollout.status !== 'active') break;
      await runtime.predictions.refresh(); // as its 2 s timer would: routes follow the rollout
      let i = 0;
      for (const { depression, ...record } of generateSynthetic({
        rows: 400,
        seed: this.trafficSeed++,
      })) {
        const key = `sim-${this.trafficSeed}-${i++}`;
        runtime.predictions.predict(record, key);
        await runtime.predictions.recordOutcome(key, depression);
      }
      await runtime.predictions.flushLog();
      await runtime.rollouts.analyze(MODEL);
    }
    const { rollout, analyses } = await runtime.rollouts.status(MODEL);
    const why = JSON.stringify(analyses.map((a) => [a.outcome, a.reasons]));
    if (expected === 'promoted') expect(rollout?.status, why).toBe('promoted');
    else expect(['promoted', 'rolled_back'], why).toContain(rollout?.status);
  }
}

/** Config overrides that keep a semester small and quick (folds, tree rounds, canary sizes). */
export const SEMESTER_OVERRIDES = [
  'log.level=silent',
  'train.folds=2',
  'survey.rateLimit.submissions=100000',
  'pipelines.scheduler.enabled=false',
  // A killed worker's try is presumed dead after 15 s of silence, not 30 (shorter is taken
  // for death when the whole test suite starves a worker of CPU).
  'pipelines.heartbeatMs=5000',
  'pipelines.retrain.minNewRows=40',
  'pipelines.retrain.surveyWeight=2',
  'pipelines.retrain.candidates=[[model=logistic],[model=gbdt,model.params.maxIter=40]]',
  'serving.rollout.defaultSteps=[50,100]',
  'serving.rollout.minSamples=40',
  'serving.rollout.minLabelled=30',
  'serving.rollout.minPerClass=5',
];

/**
 * Six weeks: a good week promoted through a canary, a thin week skipped, a mislabelled week
 * refused and kept out of training, a week with skipped items that enter training (during
 * which `duringWeek4` may break things), a silent week, a normal one.
 */
export async function playSemester(
  semester: Semester,
  duringWeek4?: (runId: string) => Promise<void>,
): Promise<void> {
  const { runtime } = semester;
  expect((await runtime.scheduler.tick()).fired).toEqual([]); // first sight: nothing past is run

  const week1 = await semester.runWeek({ responses: 160, seed: 1 });
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
  const candidateRun = week1.tasks.find((t) => t.task_id === 'train-1')!.output as {
    runId: string;
  };
  const tracked = await runtime.tracking.getRun(candidateRun.runId);
  expect(tracked.params['train.weights']).toBe('survey rows ×2');
  await semester.driveCanary();
  expect((await runtime.registry.resolveVersion(`${MODEL}@champion`)).version).toBe(passed.version);

  const week2 = await semester.runWeek({ responses: 12, seed: 2 });
  expect(week2.run.state, week2.run.summary ?? '').toBe('skipped');
  expect(week2.run.summary).toMatch(/^12 new labelled survey responses .* fewer than the 40/);
  expect(week2.tasks.filter((t) => t.state !== 'skipped')).toEqual([]);

  const week3 = await semester.runWeek({ responses: 200, seed: 3, shuffleLabels: true });
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

  const week4 = await semester.runWeek(
    { responses: 160, seed: 4, skipOptionalShare: 0.3 },
    duringWeek4,
  );
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
  // …and the model scored each of them when it was stored (the survey's scoring hook).
  const scoredSparse = async () => {
    await runtime.predictions.flushLog();
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from survey_response s
      join prediction_log p on p.request_key = 'survey:' || s.submission_id::text
      where s.record->>'city' is null and s.record->>'cgpa' is null`.execute(runtime.database.db);
    return rows[0].n;
  };
  await waitFor(async () => (await scoredSparse()) > 20, {
    what: 'the skipped-item responses to be scored',
  });
  await semester.driveCanary('either');

  expect((await semester.runWeek({ responses: 0, seed: 5 })).run.state).toBe('skipped');
  expect((await semester.runWeek({ responses: 120, seed: 6 })).run.state).toBe('succeeded');

  const runs = await runtime.pipelines.runs({ pipeline: 'retrain' });
  expect(runs.filter((r) => r.trigger === 'schedule')).toHaveLength(6);
  expect(new Set(runs.map((r) => r.run_key)).size).toBe(6);
  // Every gate decision is in the audit log. Weeks 4 and 6 bring normal answers against a good
  // champion: the strict gate may pass or refuse them, and either is a decision recorded.
  const gated = [];
  for (const run of runs) {
    const gate = (await runtime.pipelines.show(run.id)).tasks.find((t) => t.task_id === 'gate');
    if (gate?.state === 'succeeded')
      gated.push(
        `pipeline.gate.${(gate.output as { decision: string }).decision === 'challenger' ? 'pass' : 'refuse'}`,
      );
  }
  expect(gated).toHaveLength(4); // weeks 1, 3, 4 and 6
  const decisions = (await runtime.audit.list({ limit: 200 }))
    .filter((e) => e.action.startsWith('pipeline.gate'))
    .map((e) => e.action);
  expect(decisions.sort()).toEqual(gated.sort());
}
