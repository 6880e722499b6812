import type { Frame } from './frame.js';
import { selectFrameRows } from './frame.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { classificationReport, type ClassificationReport } from './metrics.js';
import { buildPipeline, type ModelSpec } from './model-factory.js';

/**
 * One fold of a cross-validation, as sent to a worker thread: the whole frame and labels
 * (in SharedArrayBuffers when parallel, so nothing is copied per fold) and the fold's rows.
 */
export interface FoldTask {
  fold: number;
  spec: ModelSpec;
  frame: Frame;
  labels: Uint8Array;
  train: Int32Array;
  test: Int32Array;
  threshold: number;
  /** A weight per row of the frame for the fit (metrics on the test rows are unweighted). */
  weights?: Float64Array;
}

export interface FoldResult {
  fold: number;
  trainRows: number;
  testRows: number;
  /** Wall time of the pipeline fit on the fold's training rows. */
  fitSeconds: number;
  report: ClassificationReport;
  warnings: string[];
  /** Boosting iterations used, for gradient-boosted trees. */
  nIter: number | null;
}

/** Fits the spec's pipeline on the fold's training rows and scores its test rows. */
export function runFold(task: FoldTask): FoldResult {
  const pipeline = buildPipeline(task.spec);
  const trainLabels = Uint8Array.from(task.train, (i) => task.labels[i]);
  const testLabels = Uint8Array.from(task.test, (i) => task.labels[i]);
  const started = performance.now();
  const weights = task.weights && Float64Array.from(task.train, (i) => task.weights![i]);
  pipeline.fit(selectFrameRows(task.frame, task.train), trainLabels, weights);
  const fitSeconds = (performance.now() - started) / 1000;
  const probabilities = pipeline.predictProba(selectFrameRows(task.frame, task.test));
  const model = pipeline.step('model');
  return {
    fold: task.fold,
    trainRows: task.train.length,
    testRows: task.test.length,
    fitSeconds,
    report: classificationReport(testLabels, probabilities, task.threshold),
    warnings: [...pipeline.warnings],
    nIter: model instanceof GradientBoostedTrees ? model.nIter : null,
  };
}
