/**
 * The label of the real data: its balance (as training splits it too) and the signals the
 * dataset's documentation reports, which the models and their behaviour checks rely on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { loadKaggleCsvFile } from '../../src/data/kaggle-csv.js';
import type { LabelledRespondent } from '../../src/data/record.js';
import { stratifiedKFold, stratifiedTrainTestSplit } from '../../src/ml/splits.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';

const positiveRate = (records: readonly LabelledRespondent[]) =>
  records.filter((record) => record.depression === 1).length / records.length;

describe('labels of the real data ($SDP_DATASET)', needsDataset, () => {
  let records: LabelledRespondent[];
  beforeAll(async () => {
    records = (await loadKaggleCsvFile(datasetFile())).records;
  });
  const share = (pick: (record: LabelledRespondent) => boolean) =>
    positiveRate(records.filter(pick));

  it('are 0.585 positive (±0.005), and training’s split and folds keep that share in every part', () => {
    const rate = positiveRate(records);
    expect(Math.abs(rate - 0.585)).toBeLessThan(0.005);
    const { train } = loadConfig({ env: {} }).config;
    const labels = Uint8Array.from(records, (record) => record.depression);
    const split = stratifiedTrainTestSplit(labels, train);
    const folds = stratifiedKFold(labels, { folds: train.folds, seed: train.seed });
    for (const part of [split.train, split.test, ...folds.map((fold) => fold.test)]) {
      const rows = Array.from(part, (i) => records[i]);
      expect(Math.abs(positiveRate(rows) - rate)).toBeLessThan(0.002);
    }
  });

  it('follow suicidal thoughts most: 0.79 depressed with Yes, 0.23 with No', () => {
    expect(share((r) => r.suicidal_thoughts === 'Yes')).toBeGreaterThan(0.75);
    expect(share((r) => r.suicidal_thoughts === 'No')).toBeLessThan(0.27);
  });

  it('rise with every level of academic pressure and of financial stress (1 → 5)', () => {
    for (const field of ['academic_pressure', 'financial_stress'] as const) {
      const byLevel = [1, 2, 3, 4, 5].map((level) => share((r) => r[field] === level));
      for (let i = 1; i < byLevel.length; i++)
        expect(byLevel[i], `${field} ${i} → ${i + 1}`).toBeGreaterThan(byLevel[i - 1]);
      expect(byLevel[4] - byLevel[0], field).toBeGreaterThan(0.4);
    }
  });

  it('do not follow gender (within 0.02), which is why models may leave it out', () => {
    const female = share((r) => r.gender === 'Female');
    const male = share((r) => r.gender === 'Male');
    expect(Math.abs(female - male)).toBeLessThan(0.02);
  });
});
