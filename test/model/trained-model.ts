import { loadConfig } from '../../src/app/config.js';
import { loadKaggleCsvFile } from '../../src/data/kaggle-csv.js';
import type { LabelledRespondent } from '../../src/data/record.js';
import { generateSynthetic } from '../../src/data/synth.js';
import type { Classifier } from '../../src/ml/estimator.js';
import { buildPipeline } from '../../src/ml/model-factory.js';
import type { Pipeline } from '../../src/ml/pipeline.js';
import { stratifiedTrainTestSplit } from '../../src/ml/splits.js';
import { modelSpec } from '../../src/training/train-model.js';
import { datasetPath } from '../harness/dataset.js';

/** What the model tier trains on: the real file when `SDP_DATASET` is set, else synthetic rows. */
export async function trainingRecords(): Promise<{
  records: LabelledRespondent[];
  source: string;
}> {
  if (datasetPath)
    return { records: (await loadKaggleCsvFile(datasetPath)).records, source: datasetPath };
  return {
    records: [...generateSynthetic({ rows: 10_000, seed: 3 })],
    source: '10,000 synthetic rows (SDP_DATASET is not set)',
  };
}

/**
 * The model `sdp train model=<name>` would register, without the database: the configured
 * spec (hyperparameters, preprocessing, excluded factors) fitted on training's part of the
 * seeded stratified split.
 */
export function trainAsConfigured(
  model: 'logistic' | 'gbdt',
  records: readonly LabelledRespondent[],
): Pipeline & Classifier {
  const { config } = loadConfig({ env: {}, overrides: [`model=${model}`] });
  const labels = Uint8Array.from(records, (record) => record.depression);
  const { train } = stratifiedTrainTestSplit(labels, config.train);
  const rows = Array.from(train, (i) => records[i]);
  return buildPipeline(modelSpec(config)).fit(
    rows,
    Uint8Array.from(rows, (record) => record.depression),
  );
}
