/**
 * Quality of the models on the real data (the dataset's reference results), and that a
 * trained model is reproducible. Quality needs $SDP_DATASET; reproducibility runs on synthetic
 * rows without it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKaggleCsvFile } from '../../src/data/kaggle-csv.js';
import type { LabelledRespondent } from '../../src/data/record.js';
import { crossValidate } from '../../src/ml/cross-validate.js';
import { buildPipeline } from '../../src/ml/model-factory.js';
import { labelsOf } from '../../src/ml/testing/synthetic.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';
import { trainingRecords } from './trained-model.js';

describe('quality on the real data ($SDP_DATASET)', needsDataset, () => {
  let records: LabelledRespondent[] = [];
  beforeAll(async () => {
    records = (await loadKaggleCsvFile(datasetFile())).records;
  });

  it(
    'logistic regression (one-hot + scaling, C = 1): 5-fold CV ROC-AUC ≥ 0.920, Brier ≤ 0.115',
    { timeout: 120_000 },
    async () => {
      const { mean, folds } = await crossValidate(
        records,
        { model: 'logistic', params: { C: 1 } },
        { folds: 5, seed: 0 },
      );
      expect(mean.rocAuc).toBeGreaterThanOrEqual(0.92);
      expect(mean.brier).toBeLessThanOrEqual(0.115);
      expect(folds.flatMap((fold) => fold.warnings)).toEqual([]);
    },
  );

  it(
    'gradient-boosted trees (HistGradientBoosting defaults): 5-fold CV ROC-AUC ≥ 0.918, Brier ≤ 0.115',
    { timeout: 120_000 },
    async () => {
      const { mean } = await crossValidate(records, { model: 'gbdt' }, { folds: 5, seed: 0 });
      expect(mean.rocAuc).toBeGreaterThanOrEqual(0.918);
      expect(mean.brier).toBeLessThanOrEqual(0.115);
    },
  );
});

describe('reproducibility', () => {
  it(
    'gradient-boosted trees fit to a byte-identical document from the same data, spec and seed',
    { timeout: 120_000 },
    async () => {
      const { records } = await trainingRecords();
      const fit = (): string =>
        JSON.stringify(
          buildPipeline({ model: 'gbdt', params: { seed: 7 } })
            .fit(records, labelsOf(records))
            .toJSON(),
        );
      expect(fit()).toBe(fit());
    },
  );
});
