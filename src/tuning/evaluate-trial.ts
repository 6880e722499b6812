import type { FoldResult } from '../ml/cv-fold.js';
import type { ModelSpec } from '../ml/model-factory.js';
import type { FoldRunner } from './fold-runner.js';
import type { StudyData } from './study-data.js';
import type { TuneMetric } from './settings.js';

export type TrialOutcome =
  | { state: 'complete'; value: number; folds: FoldResult[] }
  | { state: 'pruned'; step: number; value: number };

/**
 * Cross-validates one trial fold by fold. After each fold the running mean of the metric is
 * the intermediate value of step = fold; `onStep` records it and says whether to prune, so a
 * poor trial stops after one or two folds instead of all of them.
 */
export async function evaluateTrial(input: {
  spec: ModelSpec;
  data: StudyData;
  metric: TuneMetric;
  runner: FoldRunner;
  onStep: (step: number, intermediate: number, fold: FoldResult) => Promise<boolean>;
}): Promise<TrialOutcome> {
  const { spec, data, metric, runner } = input;
  const results: FoldResult[] = [];
  let sum = 0;
  for (let fold = 0; fold < data.folds.length; fold++) {
    const { train, test } = data.folds[fold];
    const result = await runner.run({
      fold,
      spec,
      frame: data.frame,
      labels: data.labels,
      // Copies: the pool transfers them to the worker, and every trial needs the folds again.
      train: train.slice(),
      test: test.slice(),
      threshold: 0.5,
    });
    const value = result.report[metric];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`fold ${fold}: ${metric} is undefined (a fold with one class?)`);
    }
    results.push(result);
    sum += value;
    const intermediate = sum / results.length;
    const prune = await input.onStep(fold, intermediate, result);
    if (prune && fold < data.folds.length - 1)
      return { state: 'pruned', step: fold, value: intermediate };
  }
  return { state: 'complete', value: sum / results.length, folds: results };
}
