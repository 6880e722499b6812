import type { LabelledRespondent } from '../data/record.js';
import { frameFromRespondents, shareFrame, type Frame } from '../ml/frame.js';
import { stratifiedKFold, stratifiedTrainTestSplit, type TrainTestIndices } from '../ml/splits.js';

/** The rows every trial of a study cross-validates on, shared with worker threads without copies. */
export interface StudyData {
  frame: Frame;
  labels: Uint8Array;
  folds: readonly TrainTestIndices[];
}

/**
 * The training part of the split `sdp train` makes (same test fraction and seed, so tuning
 * never sees the test rows the registered version is judged on), as a shared frame, and its
 * stratified folds. Every trial uses the same folds, so their intermediate values compare.
 */
export function prepareStudyData(
  records: readonly LabelledRespondent[],
  options: { testFraction: number; splitSeed: number; folds: number },
): StudyData {
  const all = Uint8Array.from(records, (record) => record.depression);
  const { train } = stratifiedTrainTestSplit(all, {
    testFraction: options.testFraction,
    seed: options.splitSeed,
  });
  const rows = Array.from(train, (i) => records[i]);
  const labels = new Uint8Array(new SharedArrayBuffer(rows.length));
  labels.set(Uint8Array.from(rows, (record) => record.depression));
  const frame = shareFrame(frameFromRespondents(rows));
  return {
    frame,
    labels,
    folds: stratifiedKFold(labels, { folds: options.folds, seed: options.splitSeed }),
  };
}
