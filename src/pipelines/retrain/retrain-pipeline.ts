import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DatasetRepository, DatasetVersion } from '../../data/dataset-repository.js';
import { storeRecords, type StoreOptions } from '../../data/ingest.js';
import type { LabelledRespondent } from '../../data/record.js';
import { DomainError, isDomainError } from '../../errors.js';
import type { Classifier } from '../../ml/estimator.js';
import { brierScore, rocAuc, accuracy } from '../../ml/metrics.js';
import { stratifiedTrainTestSplit } from '../../ml/splits.js';
import type { AuditTrail } from '../../platform/audit.js';
import type { BlobStore } from '../../platform/blobs/index.js';
import type { RolloutService } from '../../serving/rollout-service.js';
import { delongPairedTest } from '../../serving/statistics.js';
import type { SurveyRepository } from '../../survey/survey-repository.js';
import type { RunId } from '../../tracking/ids.js';
import type { RegistryService } from '../../tracking/registry-service.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { evaluate } from '../../training/evaluate.js';
import { loadArtifact } from '../../training/model-artifact.js';
import { loadRegisteredModel } from '../../training/model-loader.js';
import {
  loadRecords,
  registerTrainedRun,
  trainModel,
  type TrainConfig,
} from '../../training/train-model.js';
import { definePipeline, type TaskContext, type TaskDefinition } from '../definition.js';
import type { RetrainSettings } from '../settings.js';
import { judgeCandidates, type CandidateEvaluation, type SetComparison } from './gate.js';

/** What the retrain pipeline's tasks use: existing stages and repositories, nothing of its own. */
export interface RetrainDependencies {
  datasets: DatasetRepository;
  surveys: SurveyRepository;
  tracking: TrackingService;
  registry: RegistryService;
  rollouts: RolloutService;
  blobs: BlobStore;
  audit: AuditTrail;
  settings: RetrainSettings;
  /** The model registered and served (train.registeredModel). */
  model: string;
  store: StoreOptions;
  codeVersion: string;
  /** The training configuration of a candidate, from its config overrides (e.g. `model=gbdt`). */
  candidateConfig(overrides: readonly string[]): {
    config: TrainConfig;
    groups: Record<string, string>;
    recorded: unknown;
  };
  /** Earlier gate outputs of this pipeline (to leave out intervals whose labels looked wrong). */
  earlierGateOutputs(): Promise<Record<string, unknown>[]>;
}

/**
 * Whether a dataset version was made from others or from survey answers (by this pipeline, or
 * `--data survey`): never a base, nor the data `sdp train` picks when none is named.
 */
export function isDerivedDataset(dataset: Pick<DatasetVersion, 'source'>): boolean {
  return /^(survey|reference:|retrain:)/.test(dataset.source);
}

export const SURVEY_TRAIN = 'survey-train';
export const SURVEY_HOLDOUT = 'survey-holdout';
const ACTOR = 'pipeline:retrain';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const paramsSchema = z.strictObject({
  /** First survey day to export (`YYYY-MM-DD`); default: the run's interval, else every response. */
  from: z.string().regex(DAY, 'a day as YYYY-MM-DD').optional(),
  /** Day after the last one to export. */
  to: z.string().regex(DAY, 'a day as YYYY-MM-DD').optional(),
});
type Params = z.infer<typeof paramsSchema>;
type Ctx = TaskContext<Params>;

/**
 * `retrain`: survey answers of the interval → dataset version (validated) → training set
 * (base data + every survey version so far) → candidates trained in parallel → each scored
 * beside the champion on the same rows → the champion/challenger gate → a canary or shadow
 * rollout, which then promotes or rolls back by its own analysis.
 */
export function retrainPipeline(deps: RetrainDependencies) {
  const { settings } = deps;
  const trainTasks: TaskDefinition<Params>[] = settings.candidates.map((overrides, i) => ({
    id: `train-${i + 1}`,
    description: `train a candidate (${overrides.join(' ') || 'the configured model'})`,
    dependsOn: ['build-training-set'],
    retries: { attempts: 2 },
    run: (ctx) => trainCandidate(deps, ctx, overrides),
  }));
  return definePipeline({
    name: 'retrain',
    description:
      'Weekly retraining on survey answers, gated against the champion, rolled out as a canary',
    params: paramsSchema,
    tasks: [
      {
        id: 'export-survey',
        description:
          "store the interval's labelled survey responses as dataset versions (validated)",
        run: (ctx) => exportSurvey(deps, ctx),
      },
      {
        id: 'build-training-set',
        description: 'base data minus the reference set, plus every survey version so far',
        dependsOn: ['export-survey'],
        run: (ctx) => buildTrainingSet(deps, ctx),
      },
      ...trainTasks,
      {
        id: 'evaluate',
        description:
          'score every candidate and the champion on the reference set and the survey holdout',
        dependsOn: trainTasks.map((t) => t.id),
        trigger: 'all-done',
        run: (ctx) => evaluateCandidates(deps, ctx),
      },
      {
        id: 'gate',
        description:
          'champion/challenger gate: register the best candidate as challenger, or refuse',
        dependsOn: ['evaluate'],
        retries: { attempts: 1 },
        run: (ctx) => gate(deps, ctx),
      },
      {
        id: 'rollout',
        description: `start a ${settings.rollout} rollout of the challenger`,
        dependsOn: ['gate'],
        run: (ctx) => startRollout(deps, ctx),
      },
    ],
  });
}

/** The survey days a run covers: its parameters, else its interval (UTC days), else everything. */
function surveyDays(ctx: Ctx): { from?: string; to?: string } {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  if (ctx.params.from || ctx.params.to) return { from: ctx.params.from, to: ctx.params.to };
  if (ctx.run.interval) return { from: day(ctx.run.interval.start), to: day(ctx.run.interval.end) };
  return {};
}

/** A seed that is the same on every try of one run (a retry must make the same split). */
const seedOf = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0);

async function exportSurvey(deps: RetrainDependencies, ctx: Ctx) {
  const { from, to } = surveyDays(ctx);
  const responses = await deps.surveys.trainingResponses(from, to);
  const span = `${from ?? 'the first day'} to ${to ? `before ${to}` : 'today'}`;
  ctx.log(`${responses.length} labelled survey responses from ${span}`);
  if (responses.length < deps.settings.minNewRows)
    ctx.skipRun(
      `${responses.length} new labelled survey responses from ${span}, fewer than the ${deps.settings.minNewRows} a retraining needs (pipelines.retrain.minNewRows)`,
    );
  const records = responses.map(
    (r) => ({ ...r.record, depression: r.phq9Label }) as LabelledRespondent,
  );
  const ids = responses.map((r) => r.submissionId);
  const { train, test } = split(records, deps.settings.holdoutFraction, seedOf(ctx.run.key));
  const source = `survey:${from ?? 'start'}..${to ?? 'now'}`;
  const store = (name: string, part: number[], kind: string) =>
    storeRecords(
      deps.datasets,
      {
        name,
        source: `${source}:${kind}`,
        synthetic: false,
        records: part.map((i) => records[i]),
        ids: part.map((i) => ids[i]),
      },
      deps.store,
    );
  // A failed suite throws `invalid`: the run stops with the report's summary, no retry.
  const trained = await store(SURVEY_TRAIN, train, 'train');
  const holdout = await store(SURVEY_HOLDOUT, test, 'holdout');
  ctx.log(
    `dataset ${trained.datasetId}: ${trained.rows} rows to train on; ${holdout.datasetId}: ${holdout.rows} held out`,
  );
  return {
    surveyDatasetId: trained.datasetId,
    holdoutDatasetId: holdout.datasetId,
    responses: responses.length,
    from: from ?? null,
    to: to ?? null,
  };
}

/** Stratified when each class can give rows to both parts, else a plain seeded split. */
function split(records: readonly LabelledRespondent[], fraction: number, seed: number) {
  const labels = Uint8Array.from(records, (r) => r.depression);
  try {
    const { train, test } = stratifiedTrainTestSplit(labels, { testFraction: fraction, seed });
    return { train: [...train], test: [...test] };
  } catch {
    const order = records
      .map((_, i) => i)
      .sort((a, b) => seedOf(`${seed}:${a}`) - seedOf(`${seed}:${b}`));
    const cut = Math.round(records.length * fraction);
    return {
      train: order.slice(cut).sort((a, b) => a - b),
      test: order.slice(0, cut).sort((a, b) => a - b),
    };
  }
}

async function baseDataset(deps: RetrainDependencies): Promise<DatasetVersion> {
  if (deps.settings.base) {
    const named = await deps.datasets.resolve(deps.settings.base);
    if (!named)
      throw DomainError.notFound(`pipelines.retrain.base: no dataset "${deps.settings.base}"`);
    return named;
  }
  const all = (await deps.datasets.list()).filter((d) => !isDerivedDataset(d));
  const base = all.find((d) => !d.synthetic) ?? all[0];
  if (!base)
    throw DomainError.notFound(
      'No base dataset to retrain on: ingest the Kaggle data first (`sdp ingest FILE`).',
    );
  return base;
}

async function buildTrainingSet(deps: RetrainDependencies, ctx: Ctx) {
  const base = await baseDataset(deps);
  const records = await loadRecords(deps.datasets, base.id);
  const { train, test } = split(records, deps.settings.referenceFraction, 0);
  // Held out once: the same split of the same base is the same dataset version every week.
  const reference = await storeRecords(
    deps.datasets,
    {
      name: `${base.name}-reference`,
      source: `reference:${base.id}`,
      synthetic: base.synthetic,
      records: test.map((i) => records[i]),
    },
    deps.store,
  );
  const excluded = new Set(
    (await deps.earlierGateOutputs()).flatMap((o) =>
      typeof o.excludeFromTraining === 'string' ? [o.excludeFromTraining] : [],
    ),
  );
  const surveys = (await deps.datasets.list())
    .filter((d) => d.name === SURVEY_TRAIN && !excluded.has(d.id))
    .reverse();
  const training = train.map((i) => records[i]);
  for (const survey of surveys) training.push(...(await loadRecords(deps.datasets, survey.id)));
  const stored = await storeRecords(
    deps.datasets,
    {
      name: 'retrain-training',
      source: `retrain:${base.id}+${surveys.map((s) => s.id).join(',') || 'none'}`,
      synthetic: base.synthetic,
      records: training,
    },
    deps.store,
  );
  ctx.log(
    `training set ${stored.datasetId}: ${train.length} rows of ${base.id} "${base.name}" + ${training.length - train.length} survey rows from ${surveys.length} version(s)` +
      (excluded.size ? ` (${excluded.size} left out: their labels looked wrong)` : '') +
      `; reference set ${reference.datasetId}: ${reference.rows} rows`,
  );
  return {
    baseDatasetId: base.id,
    referenceDatasetId: reference.datasetId,
    trainingDatasetId: stored.datasetId,
    baseRows: train.length,
    surveyRows: training.length - train.length,
  };
}

async function trainCandidate(deps: RetrainDependencies, ctx: Ctx, overrides: readonly string[]) {
  const built = ctx.upstream['build-training-set'];
  const dataset = await deps.datasets.resolve(String(built.trainingDatasetId));
  if (!dataset)
    throw DomainError.notFound(`training set ${String(built.trainingDatasetId)} is gone`);
  const { config, groups, recorded } = deps.candidateConfig(overrides);
  // The training set is the base rows first, then the survey rows (build-training-set).
  const baseRows = Number(built.baseRows);
  const { surveyWeight } = deps.settings;
  const result = await trainModel(deps, {
    dataset,
    config,
    groups: { ...groups, pipeline: 'retrain' },
    recordedConfig: recorded,
    codeVersion: deps.codeVersion,
    register: false,
    weighting:
      surveyWeight === 1
        ? undefined
        : {
            weightOf: (position) => (position < baseRows ? 1 : surveyWeight),
            describe: `survey rows ×${surveyWeight}`,
          },
  });
  ctx.log(
    `run ${result.runId}: ${config.model.name}, test ROC-AUC ${result.metrics.roc_auc?.toFixed(4)}`,
  );
  return { runId: result.runId, family: config.model.name, testRocAuc: result.metrics.roc_auc };
}

async function datasetRecords(
  deps: RetrainDependencies,
  id: unknown,
): Promise<LabelledRespondent[]> {
  return typeof id === 'string' ? loadRecords(deps.datasets, id) : [];
}

function figures(
  model: Classifier,
  threshold: number,
  records: readonly LabelledRespondent[],
  labels: Uint8Array,
) {
  const p = model.predictProba(records);
  const hasBoth = labels.some((y) => y === 1) && labels.some((y) => y === 0);
  return {
    p,
    rocAuc: hasBoth ? rocAuc(labels, p) : null,
    brier: brierScore(labels, p),
    accuracy: accuracy(labels, p, threshold),
  };
}

async function evaluateCandidates(deps: RetrainDependencies, ctx: Ctx) {
  const champion = await loadRegisteredModel(
    deps.registry,
    deps.blobs,
    `${deps.model}@champion`,
  ).catch((error) => {
    throw isDomainError(error) && error.kind === 'not_found'
      ? DomainError.conflict(
          `"${deps.model}" has no champion to compare candidates with; set one (sdp models alias set)`,
        )
      : error;
  });
  const sets: [string, LabelledRespondent[]][] = [
    [
      'reference',
      await datasetRecords(deps, ctx.upstream['build-training-set'].referenceDatasetId),
    ],
    ['survey-holdout', await datasetRecords(deps, ctx.upstream['export-survey'].holdoutDatasetId)],
  ];
  const trained = Object.entries(ctx.upstream).filter(([task]) => task.startsWith('train-'));
  if (trained.length === 0)
    throw DomainError.invalid('no candidate was trained: every train task failed');
  const candidates: CandidateEvaluation[] = [];
  for (const [task, output] of trained) {
    const runId = String(output.runId) as RunId;
    const { body } = await deps.tracking.getArtifact(runId, 'model.json');
    const candidate = loadArtifact(body.toString('utf8'));
    const comparisons: SetComparison[] = sets.map(([set, records]) => {
      const labels = Uint8Array.from(records, (r) => r.depression);
      const a = figures(champion.pipeline, champion.artifact.threshold, records, labels);
      const b = figures(candidate.pipeline, candidate.artifact.threshold, records, labels);
      const both = a.rocAuc !== null;
      const delong = both ? delongPairedTest(labels, a.p, b.p) : null;
      const slicesOf = (model: Classifier, threshold: number) =>
        records.length
          ? evaluate(model, records, threshold).slices
          : { gender: {}, age_band: {}, degree_level: {} };
      const sa = slicesOf(champion.pipeline, champion.artifact.threshold);
      const sb = slicesOf(candidate.pipeline, candidate.artifact.threshold);
      const slices = Object.entries(sb).flatMap(([group, values]) =>
        Object.entries(values).map(([key, m]) => ({
          slice: `${group}=${key}`,
          rows: m.rows,
          candidate: m.roc_auc,
          champion:
            (sa as Record<string, Record<string, { roc_auc: number | null }>>)[group]?.[key]
              ?.roc_auc ?? null,
        })),
      );
      const strip = ({ rocAuc, brier, accuracy }: ReturnType<typeof figures>) => ({
        rocAuc,
        brier,
        accuracy,
      });
      return {
        set,
        rows: records.length,
        positives: labels.reduce((s, y) => s + y, 0),
        champion: strip(a),
        candidate: strip(b),
        delong: delong
          ? { difference: delong.difference, standardError: delong.standardError }
          : null,
        slices,
      };
    });
    candidates.push({ task, runId, family: candidate.artifact.model.name, sets: comparisons });
    for (const c of comparisons)
      ctx.log(
        `${task} on ${c.set} (${c.rows} rows): ROC-AUC ${c.candidate.rocAuc?.toFixed(4) ?? 'n/a'} vs champion v${champion.version.version} ${c.champion.rocAuc?.toFixed(4) ?? 'n/a'}`,
      );
  }
  return { championVersion: champion.version.version, candidates };
}

async function gate(deps: RetrainDependencies, ctx: Ctx) {
  const evaluation = ctx.upstream.evaluate as {
    championVersion: number;
    candidates: CandidateEvaluation[];
  };
  const decision = judgeCandidates(evaluation.candidates, deps.settings.gate);
  for (const reason of decision.reasons) ctx.log(reason);
  const excludeFromTraining = decision.labelsSuspect
    ? (ctx.upstream['export-survey'].surveyDatasetId as string)
    : undefined;
  if (decision.decision === 'refused' || !decision.chosen) {
    ctx.summarize(`gate refused every candidate: ${decision.reasons.join(' | ')}`);
    await deps.audit.record({
      actor: ACTOR,
      action: 'pipeline.gate.refuse',
      target: `${deps.model}@champion v${evaluation.championVersion}`,
      reason: decision.reasons.join(' | '),
      details: { run: ctx.run.id, candidates: decision.candidates },
    });
    return {
      decision: 'refused',
      reasons: decision.reasons,
      candidates: decision.candidates,
      excludeFromTraining,
    };
  }
  const { version, reused } = await registerTrainedRun(
    deps,
    decision.chosen.runId as RunId,
    deps.model,
    `retrain run ${ctx.run.id} (${ctx.run.key}): ${decision.reasons[0]}`,
  );
  await deps.audit.record({
    actor: ACTOR,
    action: 'pipeline.gate.pass',
    target: `${deps.model}/${version}`,
    reason: decision.reasons.join(' | '),
    details: {
      run: ctx.run.id,
      championVersion: evaluation.championVersion,
      candidates: decision.candidates,
    },
  });
  ctx.summarize(
    `gate passed v${version}${reused ? ' (an identical version existed)' : ''} against champion v${evaluation.championVersion}: ${decision.reasons.join(' | ')}`,
  );
  return {
    decision: 'challenger',
    version,
    reused,
    reasons: decision.reasons,
    candidates: decision.candidates,
  };
}

async function startRollout(deps: RetrainDependencies, ctx: Ctx) {
  const gateOutput = ctx.upstream.gate;
  if (gateOutput.decision !== 'challenger') ctx.skip('the gate refused every candidate');
  const version = Number(gateOutput.version);
  try {
    const rollout = await deps.rollouts.start({
      model: deps.model,
      challengerVersion: version,
      mode: deps.settings.rollout,
      actor: ACTOR,
    });
    ctx.summarize(
      `v${version} passed the gate; ${rollout.mode} rollout ${rollout.id} started (steps ${rollout.steps.join(', ')}%)`,
    );
    return { rolloutId: rollout.id, mode: rollout.mode, version };
  } catch (error) {
    // Another rollout open, or the version is champion already: nothing to start, said why.
    if (isDomainError(error) && error.kind === 'conflict') ctx.skip(error.message);
    throw error;
  }
}
