import { describe, expect, it } from 'vitest';
import { buildPipeline } from '../ml/model-factory.js';
import { rocAuc } from '../ml/metrics.js';
import { stratifiedTrainTestSplit } from '../ml/splits.js';
import { devDatasetLocation } from './dev-dataset.js';
import { loadKaggleCsvFile } from './kaggle-csv.js';
import type { LabelledRespondent } from './record.js';
import { fitSynthModel, generateSynthetic } from './synth.js';

/**
 * Train-on-synthetic, test-on-real: the synthetic data is good enough for development when a
 * model trained on it ranks real held-out rows almost as well as one trained on real rows.
 * The generator is fitted on the training part only, so no held-out row shapes it.
 */
const MAX_AUC_GAP = 0.03;

const dataset = devDatasetLocation();

function heldOutAuc(
  train: readonly LabelledRespondent[],
  test: readonly LabelledRespondent[],
): number {
  const model = buildPipeline({ model: 'logistic' }).fit(
    train,
    train.map((record) => record.depression),
  );
  return rocAuc(
    test.map((record) => record.depression),
    model.predictProba(test),
  );
}

describe.skipIf(!dataset.exists)(
  `synthetic vs real rows (${dataset.path}; skipped when absent)`,
  () => {
    it(`a logistic regression trained on synthetic rows scores within ${MAX_AUC_GAP} ROC-AUC of one trained on real rows`, async () => {
      const { records } = await loadKaggleCsvFile(dataset.path);
      const split = stratifiedTrainTestSplit(
        records.map((record) => record.depression),
        { testFraction: 0.25, seed: 7 },
      );
      const train = Array.from(split.train, (i) => records[i]);
      const test = Array.from(split.test, (i) => records[i]);
      const synthetic = [
        ...generateSynthetic({ rows: train.length, seed: 1, params: fitSynthModel(train) }),
      ];

      const realAuc = heldOutAuc(train, test);
      const syntheticAuc = heldOutAuc(synthetic, test);

      expect(realAuc).toBeGreaterThan(0.9); // the README's sanity bar for the preprocessing
      expect(realAuc - syntheticAuc).toBeLessThan(MAX_AUC_GAP);
    });

    it('keeps the strongest dependence between features: Class 12 students are the youngest', async () => {
      const { records } = await loadKaggleCsvFile(dataset.path);
      const synthetic = [
        ...generateSynthetic({ rows: records.length, seed: 2, params: fitSynthModel(records) }),
      ];
      const meanAge = (rows: LabelledRespondent[], degree: string) => {
        const group = rows.filter((record) => record.degree === degree);
        return group.reduce((sum, record) => sum + record.age, 0) / group.length;
      };
      for (const rows of [records, synthetic])
        expect(meanAge(rows, 'Class 12')).toBeLessThan(meanAge(rows, 'PhD') - 2);
      expect(Math.abs(meanAge(synthetic, 'Class 12') - meanAge(records, 'Class 12'))).toBeLessThan(
        1,
      );
    });
  },
);
