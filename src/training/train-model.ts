import type { DatasetRepository, DatasetVersion } from '../data/dataset-repository.js';
import type { LabelledRespondent } from '../data/record.js';
import { crossValidate } from '../ml/cross-validate.js';
import type { Classifier, Params } from '../ml/estimator.js';
import { chooseThreshold, type ThresholdStrategy } from '../ml/metrics.js';
import { buildPipeline, type ModelSpec } from '../ml/model-factory.js';
import type { ModelSettings } from '../ml/settings.js';
import { stratifiedTrainTestSplit } from '../ml/splits.js';
import type { RunId } from '../tracking/ids.js';
import type { RegistryService } from '../tracking/registry-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { evaluate, type HeadlineMetrics } from './evaluate.js';
import type { TrainSettings } from './settings.js';
import {
  inputSignature,
  serialiseArtifact,
  MODEL_ARTIFACT_VERSION,
  type ModelArtifact,
} from './model-artifact.js';

export interface TrainDependencies {
  datasets: DatasetRepository;
  tracking: TrackingService;
  registry: RegistryService;
}

/** The configuration sections training reads. */
export interface TrainConfig {
  model: ModelSettings;
  train: TrainSettings;
}

export interface TrainInput {
  dataset: DatasetVersion;
  config: TrainConfig;
  /** The configuration stored with the run, without secrets (default: `config`). */
  recordedConfig?: unknown;
  /** Group choices of the config (e.g. `{ model: 'gbdt' }`), recorded as run tags. */
  groups?: Record<string, string>;
  codeVersion: string;
  /** Stage names and fractions done, for progress bars and job progress. */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** The queue job this training runs for (a job trains at most one live run). */
  jobId?: string;
  /**
   * False: store the artifact with the run but register no version (a pipeline's candidate,
   * which its gate registers only if it passes; see `registerTrainedRun`). Default true.
   */
  register?: boolean;
  /**
   * Row weights for fitting, by a record's position in the dataset (e.g. survey rows counted
   * more than the base data), with a description recorded as the run's `train.weights`
   * param. Cross-validation and the final fit use them; every metric stays unweighted.
   */
  weighting?: { weightOf: (position: number) => number; describe: string };
}

export interface TrainResult {
  runId: RunId;
  model: string;
  /** The registered version; null when training was asked not to register. */
  version: number | null;
  /** True when an identical artifact was registered already: `version` is that one, no new one. */
  reused: boolean;
  /** Aliases this version holds after registration (the first version becomes champion). */
  aliases: string[];
  artifactSha256: string;
  metrics: HeadlineMetrics & { cv_roc_auc_mean: number; cv_roc_auc_std: number };
  warnings: string[];
}

/** Reads a dataset version's records into memory (22k rows ≈ a few MB). */
export async function loadRecords(
  datasets: DatasetRepository,
  datasetId: string,
): Promise<LabelledRespondent[]> {
  const records: LabelledRespondent[] = [];
  for await (const row of datasets.rows(datasetId)) records.push(row.record);
  return records;
}

/** What the model is, as the factory takes it; the training seed also seeds the trees. */
export function modelSpec(config: TrainConfig): ModelSpec {
  const params = { ...config.model.params } as Params;
  if (config.model.name === 'gbdt' && params.seed === undefined) params.seed = config.train.seed;
  return {
    model: config.model.name,
    params,
    preprocessing: config.model.preprocessing as Params,
    exclude: config.model.exclude,
  };
}

function thresholdStrategy(config: TrainConfig): ThresholdStrategy {
  const { threshold } = config.train;
  switch (threshold.strategy) {
    case 'fixed':
      return { kind: 'fixed', threshold: threshold.value };
    case 'max-f1':
      return { kind: 'max-f1' };
    case 'target-recall':
      return { kind: 'target-recall', recall: threshold.value };
  }
}

/**
 * The training stage: stratified split of the dataset, cross-validation on the training part,
 * a final fit, evaluation on the held-out test part, then the artifact stored, the run
 * tracked and the version registered. A failure marks the run failed and registers nothing.
 */
export async function trainModel(deps: TrainDependencies, input: TrainInput): Promise<TrainResult> {
  const { dataset, config } = input;
  const progress = input.onProgress ?? (() => {});
  const spec = modelSpec(config);
  const { seed, testFraction, folds } = config.train;

  const run = await deps.tracking.startRun({
    experiment: config.train.experiment,
    name: `${config.model.name} on ${dataset.name}`,
    params: {
      model: config.model.name,
      ...Object.fromEntries(
        Object.entries(spec.params ?? {}).map(([key, value]) => [`model.${key}`, value]),
      ),
      ...Object.fromEntries(
        Object.entries(spec.preprocessing ?? {}).map(([key, value]) => [key, value]),
      ),
      exclude: config.model.exclude.join(',') || 'none',
      'train.seed': seed,
      'train.testFraction': testFraction,
      'train.folds': folds,
      'train.threshold': config.train.threshold.strategy,
      'train.weights': input.weighting?.describe ?? 'none',
    },
    config: input.recordedConfig ?? config,
    datasetId: dataset.id,
    datasetHash: dataset.contentHash,
    seed,
    tags: { ...input.groups, synthetic: String(dataset.synthetic) },
    codeVersion: input.codeVersion,
    jobId: input.jobId,
  });

  try {
    progress('load', 0, 1);
    const records = await loadRecords(deps.datasets, dataset.id);
    const labels = Uint8Array.from(records, (record) => record.depression);
    const split = stratifiedTrainTestSplit(labels, { testFraction, seed });
    const trainRecords = Array.from(split.train, (i) => records[i]);
    const weightOf = input.weighting?.weightOf;
    const trainWeights = weightOf && Float64Array.from(split.train, (i) => weightOf(i));
    const testRecords = Array.from(split.test, (i) => records[i]);
    progress('load', 1, 1);

    progress('cross-validation', 0, folds);
    const cv = await crossValidate(trainRecords, spec, {
      folds,
      seed,
      parallelism: config.model.parallelism,
      weights: trainWeights,
    });
    for (const fold of cv.folds) {
      await deps.tracking.logMetrics(
        run.id,
        withoutNulls({ cv_roc_auc: fold.report.rocAuc, cv_log_loss: fold.report.logLoss }),
        fold.fold,
      );
    }
    progress('cross-validation', folds, folds);

    progress('fit', 0, 1);
    const pipeline = buildPipeline(spec).fit(
      trainRecords,
      Uint8Array.from(trainRecords, (r) => r.depression),
      trainWeights,
    );
    const estimator = pipeline.step('model') as Classifier;
    const series = Object.entries(estimator.fitSeries ?? {});
    const steps = Math.max(0, ...series.map(([, values]) => values.length));
    for (let step = 0; step < steps; step++) {
      const values = Object.fromEntries(
        series
          .filter(([, points]) => step < points.length)
          .map(([key, points]) => [key, points[step]]),
      );
      await deps.tracking.logMetrics(run.id, values, step);
    }
    progress('fit', 1, 1);

    // The threshold is chosen on the training part, never on the test rows it is judged by.
    const threshold = chooseThreshold(
      Uint8Array.from(trainRecords, (r) => r.depression),
      pipeline.predictProba(trainRecords),
      thresholdStrategy(config),
    );
    const evaluation = evaluate(pipeline, testRecords, threshold);
    const metrics = {
      ...evaluation.metrics,
      cv_roc_auc_mean: cv.mean.rocAuc,
      cv_roc_auc_std: cv.std.rocAuc,
    };
    await deps.tracking.logMetrics(run.id, withoutNulls({ ...metrics, threshold }));

    const artifact: ModelArtifact = {
      schemaVersion: MODEL_ARTIFACT_VERSION,
      kind: 'sdp.model',
      codeVersion: input.codeVersion,
      model: {
        name: config.model.name,
        params: config.model.params,
        preprocessing: config.model.preprocessing,
        exclude: config.model.exclude,
      },
      threshold,
      signature: {
        input: inputSignature(),
        output: { probability: 'number in [0, 1]', label: '0 | 1' },
      },
      training: {
        datasetId: dataset.id,
        datasetHash: dataset.contentHash,
        rows: records.length,
        seed,
        testFraction,
        folds,
      },
      config: { model: config.model, train: config.train },
      metrics,
      pipeline: pipeline.toJSON(),
    };
    const stored = await deps.tracking.logArtifact(
      run.id,
      'model.json',
      serialiseArtifact(artifact),
      'application/json',
    );
    await deps.tracking.logArtifact(
      run.id,
      'evaluation.json',
      JSON.stringify(
        {
          report: evaluation.report,
          calibration: evaluation.calibration,
          slices: evaluation.slices,
          cv,
        },
        null,
        2,
      ),
      'application/json',
    );

    // The same data, config and seed give a byte-identical artifact: that model is registered
    // already, and a second version of it would only be a duplicate (a sweep that repeats a
    // combination, a retrain with nothing new). The run stays, pointing at that version.
    const model = config.train.registeredModel;
    const same = await deps.registry.findVersionByArtifact(model, stored.sha256);
    const version =
      input.register === false
        ? same
        : (same ??
          (await deps.registry.registerVersion({
            model,
            runId: run.id,
            artifactKey: stored.blobKey,
            artifactSha256: stored.sha256,
            signature: artifact.signature,
            metrics: withoutNulls(metrics),
            datasetId: dataset.id,
            description: `${config.model.name} trained on ${dataset.name} (${dataset.id})`,
          })));
    await deps.tracking.endRun(run.id, 'finished');
    return {
      runId: run.id,
      model,
      version: version?.version ?? null,
      reused: same !== undefined,
      aliases: version?.aliases ?? [],
      artifactSha256: stored.sha256,
      metrics,
      warnings: [...estimator.warnings],
    };
  } catch (error) {
    await deps.tracking
      .endRun(run.id, 'failed', error instanceof Error ? error.message : String(error))
      .catch(() => {});
    throw error;
  }
}

/**
 * Registers the model a finished run trained without registering (`register: false`), from
 * its stored artifact: the version a pipeline's gate lets through. An identical artifact
 * registered before is returned instead of a duplicate.
 */
export async function registerTrainedRun(
  deps: Pick<TrainDependencies, 'tracking' | 'registry'>,
  runId: RunId,
  model: string,
  description: string,
): Promise<{ version: number; reused: boolean }> {
  const { artifact, body } = await deps.tracking.getArtifact(runId, 'model.json');
  const same = await deps.registry.findVersionByArtifact(model, artifact.sha256);
  if (same) return { version: same.version, reused: true };
  const parsed = JSON.parse(body.toString('utf8')) as ModelArtifact;
  const version = await deps.registry.registerVersion({
    model,
    runId,
    artifactKey: artifact.blobKey,
    artifactSha256: artifact.sha256,
    signature: parsed.signature,
    metrics: withoutNulls(parsed.metrics as Record<string, number | null>),
    datasetId: parsed.training.datasetId,
    description,
  });
  return { version: version.version, reused: false };
}

function withoutNulls(values: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== null),
  );
}
