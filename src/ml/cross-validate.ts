import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { LabelledRespondent } from '../data/record.js';
import { runFold, type FoldResult, type FoldTask } from './cv-fold.js';
import { DomainError } from '../errors.js';
import { frameFromRespondents, shareFrame, type Frame } from './frame.js';
import { parseModelSpec, type ModelSpec } from './model-factory.js';
import { stratifiedKFold } from './splits.js';
import { compiledWorkerUrl } from '../platform/worker-url.js';

export interface CrossValidationOptions {
  /** Number of stratified folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /** Worker threads; 1 runs every fold in this thread. Default: min(folds, CPU count). */
  parallelism?: number;
  /** Decision threshold for the threshold metrics (default 0.5). */
  threshold?: number;
  /** A fitting weight per row (e.g. survey rows counted more); test folds are scored unweighted. */
  weights?: ArrayLike<number>;
}

/** Mean and standard deviation over folds of the scalar metrics. */
export interface MetricSummary {
  rocAuc: number;
  averagePrecision: number;
  logLoss: number;
  brier: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface CrossValidationResult {
  folds: FoldResult[];
  mean: MetricSummary;
  /** Sample standard deviation (n − 1), as reported next to scikit-learn CV means. */
  std: MetricSummary;
}

/** Labelled data as records, or already as a frame with its labels. */
export type CrossValidationData =
  readonly LabelledRespondent[] | { frame: Frame; labels: ArrayLike<number> };

/** The compiled CV worker (see platform/worker-url.ts: under vitest it is taken from dist/). */
export function cvWorkerUrl(moduleUrl: string = import.meta.url): URL {
  return compiledWorkerUrl('./cv-worker.js', moduleUrl);
}

/**
 * Stratified k-fold cross-validation of a model spec. Each fold builds the spec's pipeline,
 * fits on its training rows and scores its test rows — in worker threads (piscina) when
 * parallelism > 1, in this thread otherwise; both give identical numbers. The data are
 * converted once to a frame in SharedArrayBuffers, so workers receive no per-fold copies.
 * @example const { mean } = await crossValidate(records, { model: 'logistic', params: { C: 1 } });
 */
export async function crossValidate(
  data: CrossValidationData,
  spec: ModelSpec,
  options: CrossValidationOptions = {},
): Promise<CrossValidationResult> {
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  const threshold = options.threshold ?? 0.5;
  const parallelism = Math.max(1, Math.min(folds, options.parallelism ?? availableParallelism()));
  parseModelSpec(spec); // fail here, not once per worker
  const { frame, labels } = Array.isArray(data)
    ? {
        frame: frameFromRespondents(data),
        labels: Uint8Array.from(data as readonly LabelledRespondent[], (r) => r.depression),
      }
    : (data as { frame: Frame; labels: ArrayLike<number> });
  if (labels.length !== frame.rows)
    throw DomainError.invalid(`crossValidate: ${frame.rows} rows but ${labels.length} labels`);
  const splits = stratifiedKFold(labels, { folds, seed });
  if (options.weights && options.weights.length !== frame.rows)
    throw DomainError.invalid(
      `crossValidate: ${frame.rows} rows but ${options.weights.length} weights`,
    );

  let results: FoldResult[];
  if (parallelism === 1) {
    const sharedLabels = Uint8Array.from(labels);
    const weights = options.weights && Float64Array.from(options.weights);
    results = splits.map(({ train, test }, fold) =>
      runFold({ fold, spec, frame, labels: sharedLabels, train, test, threshold, weights }),
    );
  } else {
    const workerUrl = cvWorkerUrl();
    if (!existsSync(fileURLToPath(workerUrl))) {
      throw new Error(
        `compiled CV worker not found at ${fileURLToPath(workerUrl)}: run \`npm run build\` first`,
      );
    }
    const sharedFrame = shareFrame(frame);
    const sharedLabels = new Uint8Array(new SharedArrayBuffer(labels.length));
    sharedLabels.set(Uint8Array.from(labels));
    let weights: Float64Array | undefined;
    if (options.weights) {
      weights = new Float64Array(new SharedArrayBuffer(options.weights.length * 8));
      weights.set(Float64Array.from(options.weights));
    }
    const pool = new Piscina<FoldTask, FoldResult>({
      filename: workerUrl.href,
      minThreads: parallelism,
      maxThreads: parallelism,
    });
    try {
      results = await Promise.all(
        splits.map(({ train, test }, fold) =>
          pool.run(
            {
              fold,
              spec,
              frame: sharedFrame,
              labels: sharedLabels,
              train,
              test,
              threshold,
              weights,
            },
            { transferList: [train.buffer, test.buffer] as ArrayBuffer[] },
          ),
        ),
      );
    } finally {
      await pool.destroy();
    }
  }
  return { folds: results, ...summarise(results) };
}

function summarise(results: readonly FoldResult[]): { mean: MetricSummary; std: MetricSummary } {
  const keys = [
    'rocAuc',
    'averagePrecision',
    'logLoss',
    'brier',
    'accuracy',
    'precision',
    'recall',
    'f1',
  ] as const;
  const mean = {} as MetricSummary;
  const std = {} as MetricSummary;
  for (const key of keys) {
    const values = results.map((result) => result.report[key] ?? Number.NaN);
    const mu = values.reduce((a, b) => a + b, 0) / values.length;
    const variance =
      values.length > 1 ? values.reduce((a, b) => a + (b - mu) ** 2, 0) / (values.length - 1) : 0;
    mean[key] = mu;
    std[key] = Math.sqrt(variance);
  }
  return { mean, std };
}
