import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TuneConfig } from './settings.js';
import type { DatasetRepository, DatasetVersion } from '../data/dataset-repository.js';
import { DomainError } from '../errors.js';
import type { RegistryService } from '../tracking/registry-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { loadRecords } from '../training/train-model.js';
import { bestTrial, countTrials } from './best-trial.js';
import { finalizeStudy } from './finalize-study.js';
import { parameterImportance } from './importance.js';
import { runTrials, type TrialEvent } from './run-trials.js';
import type { TrialParams } from './search-space.js';
import { prepareStudyData, type StudyData } from './study-data.js';
import {
  definitionDifferences,
  definitionFromConfig,
  directionOf,
  parseDefinition,
  type StudyDefinition,
} from './study-definition.js';
import type { Study, StudyRepository, TrialCounts, TrialRecord } from './study-repository.js';

export interface TuneDependencies {
  datasets: DatasetRepository;
  tracking: TrackingService;
  registry: RegistryService;
  studies: StudyRepository;
}

export interface TuneInput {
  config: TuneConfig;
  /** The configuration stored with the study's run and the refit's, without secrets. */
  recordedConfig?: unknown;
  groups?: Record<string, string>;
  /** Required for a new study; a resumed one keeps its dataset. */
  dataset?: DatasetVersion;
  /** Study name; default `tune.study`, else `<model>-<timestamp>`. */
  study?: string;
  codeVersion: string;
  onTrialEnd?: (event: TrialEvent, counts: TrialCounts, best: number | null) => void;
  /**
   * Distributed mode: instead of running trials here, hand the study to queue workers
   * (`enqueue` is called with the study name) and resolve once it is finished.
   */
  distribute?: (study: Study, remaining: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface TuneSummary {
  study: string;
  bestValue: number | null;
  bestParams: TrialParams | null;
  bestTrial: number | null;
  trials: { complete: number; pruned: number; failed: number };
  version: number | null;
  model: string | null;
  note: string | null;
  runId: string | null;
  metric: string;
  direction: 'maximize' | 'minimize';
  importance: Record<string, number>;
  table: TrialRecord[];
}

/** A name for this process in trial rows: host, pid and a random suffix (pids repeat across hosts). */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The tuning stage: creates the study (or joins/resumes the one named), runs trials until its
 * budget is met — here on `tune.parallelism` threads, or on queue workers — then refits and
 * registers the best trial as a candidate, and summarises.
 */
export async function tuneStudy(deps: TuneDependencies, input: TuneInput): Promise<TuneSummary> {
  const { config } = input;
  const worker = workerName();
  const { study, definition } = await openStudy(deps, input);
  await deps.studies.setTarget(study.id, config.tune.trials);

  if (input.distribute) {
    const counts = await deps.studies.counts(study.id);
    await input.distribute(
      study,
      Math.max(0, config.tune.trials - counts.complete - counts.pruned - counts.running),
    );
  } else {
    const data = await loadStudyData(deps.datasets, study, definition);
    const direction = directionOf(definition);
    await runTrials({
      repository: deps.studies,
      tracking: deps.tracking,
      study,
      definition,
      data,
      tune: config.tune,
      experiment: config.train.experiment,
      worker,
      signal: input.signal,
      onTrialEnd: input.onTrialEnd
        ? (event) =>
            void summariseProgress(deps.studies, study.id, direction).then(({ counts, best }) =>
              input.onTrialEnd!(event, counts, best),
            )
        : undefined,
    });
  }
  if (input.signal?.aborted) return summarise(deps.studies, study, definition);
  const finished = await finalizeStudy(
    { ...deps, repository: deps.studies },
    {
      study,
      definition,
      config,
      recordedConfig: input.recordedConfig,
      worker,
      codeVersion: input.codeVersion,
      groups: input.groups,
    },
  );
  return summarise(deps.studies, finished, definition);
}

async function openStudy(
  deps: TuneDependencies,
  input: TuneInput,
): Promise<{ study: Study; definition: StudyDefinition }> {
  const { config } = input;
  const name =
    input.study ??
    config.tune.study ??
    `${config.model.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const existing = await deps.studies.findByName(name);
  const wanted = definitionFromConfig(config);
  if (existing) {
    const definition = parseDefinition(existing.definition);
    const differences = definitionDifferences(definition, wanted);
    if (differences.length) {
      throw DomainError.conflict(
        `study ${name} was created with other settings (${differences.join(', ')} differ): ` +
          'resume it with the same model and tune settings, or name a new study',
      );
    }
    if (input.dataset && input.dataset.id !== existing.datasetId) {
      throw DomainError.conflict(
        `study ${name} tunes on dataset ${existing.datasetId}, not ${input.dataset.id}`,
      );
    }
    return { study: existing, definition };
  }
  if (!input.dataset)
    throw DomainError.notFound(`no study ${name} yet, and no dataset to start one on`);
  const { study, created } = await deps.studies.createOrGet({
    id: `study_${randomBytes(8).toString('hex')}`,
    name,
    datasetId: input.dataset.id,
    model: config.model.name,
    metric: wanted.metric,
    direction: directionOf(wanted),
    definition: wanted,
    targetTrials: config.tune.trials,
  });
  if (created) {
    const run = await deps.tracking.startRun({
      experiment: config.train.experiment,
      name: `tune ${name}`,
      params: {
        study: name,
        model: config.model.name,
        'tune.sampler': config.tune.sampler,
        'tune.pruner': config.tune.pruner,
        'tune.trials': config.tune.trials,
        'tune.folds': wanted.folds,
        'tune.metric': wanted.metric,
        'tune.space': wanted.space,
      },
      config: input.recordedConfig ?? config,
      datasetId: input.dataset.id,
      datasetHash: input.dataset.contentHash,
      seed: wanted.samplerSeed,
      tags: { ...input.groups, study: name, synthetic: String(input.dataset.synthetic) },
      codeVersion: input.codeVersion,
    });
    await deps.studies.setRun(study.id, run.id);
    // The stored definition, as every joining process reads it, so all sample alike.
    return { study: { ...study, runId: run.id }, definition: parseDefinition(study.definition) };
  }
  // Another process created it between our look and our insert: join it on its terms.
  return openStudy(deps, { ...input, study: name });
}

const dataCache = new Map<string, StudyData>();

/** The study's training rows as a shared frame; cached per process (queue workers run many trials). */
export async function loadStudyData(
  datasets: DatasetRepository,
  study: Study,
  definition: StudyDefinition,
): Promise<StudyData> {
  const key = JSON.stringify([
    study.datasetId,
    definition.testFraction,
    definition.splitSeed,
    definition.folds,
  ]);
  let data = dataCache.get(key);
  if (!data) {
    const records = await loadRecords(datasets, study.datasetId);
    if (records.length === 0) throw DomainError.invalid(`dataset ${study.datasetId} has no rows`);
    data = prepareStudyData(records, {
      testFraction: definition.testFraction,
      splitSeed: definition.splitSeed,
      folds: definition.folds,
    });
    dataCache.clear(); // one dataset at a time is plenty
    dataCache.set(key, data);
  }
  return data;
}

async function summariseProgress(
  studies: StudyRepository,
  studyId: string,
  direction: 'maximize' | 'minimize',
): Promise<{ counts: TrialCounts; best: number | null }> {
  const trials = await studies.trials(studyId);
  return { counts: countTrials(trials), best: bestTrial(trials, direction)?.value ?? null };
}

/** The study as `sdp tune` and `sdp studies show` report it. */
export async function summarise(
  studies: StudyRepository,
  study: Study,
  definition: StudyDefinition,
): Promise<TuneSummary> {
  const direction = directionOf(definition);
  const trials = await studies.trials(study.id);
  const best = bestTrial(trials, direction);
  const { complete, pruned, failed } = countTrials(trials);
  return {
    study: study.name,
    bestValue: best?.value ?? null,
    bestParams: best?.params ?? null,
    bestTrial: best?.number ?? null,
    trials: { complete, pruned, failed },
    version: study.modelVersion,
    model: study.modelName,
    note: study.note,
    runId: study.runId,
    metric: definition.metric,
    direction,
    importance: parameterImportance(
      trials
        .filter((t) => t.state === 'complete' && t.value !== null)
        .map((t) => ({ params: t.params, value: t.value! })),
    ),
    table: trials,
  };
}

/** One line of `sdp studies list`. */
export interface StudyListing {
  name: string;
  state: Study['state'];
  model: string;
  metric: string;
  target: number;
  trials: TrialCounts;
  bestValue: number | null;
  version: number | null;
  createdAt: Date;
}

/** Every study, newest first, with its trial counts and best value. */
export async function listStudies(studies: StudyRepository): Promise<StudyListing[]> {
  return Promise.all(
    (await studies.list()).map(async (study) => {
      const trials = await studies.trials(study.id);
      return {
        name: study.name,
        state: study.state,
        model: study.model,
        metric: study.metric,
        target: study.targetTrials,
        trials: countTrials(trials),
        bestValue: bestTrial(trials, study.direction)?.value ?? null,
        version: study.modelVersion,
        createdAt: study.createdAt,
      };
    }),
  );
}
