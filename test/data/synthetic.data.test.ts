/**
 * The synthetic generator against the real data it was fitted on: good enough to develop on,
 * and its shipped parameters hold nothing a few real respondents could be recognised by.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKaggleCsvFile } from '../../src/data/kaggle-csv.js';
import type { LabelledRespondent } from '../../src/data/record.js';
import { serialiseSynthParams } from '../../src/data/synth-model.js';
import {
  defaultSynthParams,
  fitSynthModel,
  generateSynthetic,
  type SynthParams,
} from '../../src/data/synth.js';
import { rocAuc } from '../../src/ml/metrics.js';
import { buildPipeline } from '../../src/ml/model-factory.js';
import { stratifiedTrainTestSplit } from '../../src/ml/splits.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';

/**
 * Train-on-synthetic, test-on-real: the synthetic data is good enough for development when a
 * model trained on it ranks real held-out rows almost as well as one trained on real rows.
 * The generator is fitted on the training part only, so no held-out row shapes it.
 */
const MAX_AUC_GAP = 0.03;
const SHIPPED_PARAMS = fileURLToPath(new URL('../../src/data/synth-params.json', import.meta.url));

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

describe('synthetic rows vs the real data ($SDP_DATASET)', needsDataset, () => {
  let records: LabelledRespondent[];
  beforeAll(async () => {
    records = (await loadKaggleCsvFile(datasetFile())).records;
  });

  it(`a logistic regression trained on synthetic rows scores within ${MAX_AUC_GAP} ROC-AUC of one trained on real rows`, () => {
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

  it('keeps the strongest dependence between features: Class 12 students are the youngest', () => {
    const synthetic = [
      ...generateSynthetic({ rows: records.length, seed: 2, params: fitSynthModel(records) }),
    ];
    const meanAge = (rows: LabelledRespondent[], degree: string) => {
      const group = rows.filter((record) => record.degree === degree);
      return group.reduce((sum, record) => sum + record.age, 0) / group.length;
    };
    for (const rows of [records, synthetic])
      expect(meanAge(rows, 'Class 12')).toBeLessThan(meanAge(rows, 'PhD') - 2);
    expect(Math.abs(meanAge(synthetic, 'Class 12') - meanAge(records, 'Class 12'))).toBeLessThan(1);
  });

  it('the shipped parameters are exactly what fitSynthModel gives on the real file (SDP_UPDATE_SYNTH_PARAMS=1 rewrites them)', () => {
    const fitted = serialiseSynthParams(fitSynthModel(records));
    if (process.env.SDP_UPDATE_SYNTH_PARAMS === '1') writeFileSync(SHIPPED_PARAMS, fitted);
    // Compared as data: a formatter may re-indent the file.
    expect(JSON.parse(readFileSync(SHIPPED_PARAMS, 'utf8'))).toEqual(JSON.parse(fitted));
  });

  it('the shipped parameters hold no category or value that fewer than 10 real rows have', () => {
    const params = defaultSynthParams();
    for (const [field, feature] of Object.entries(params.features) as [
      keyof SynthParams['features'],
      SynthParams['features'][keyof SynthParams['features']],
    ][]) {
      for (const level of feature.levels) {
        if (!('value' in level) || level.value === 'Others') continue;
        const count = records.filter((record) => record[field] === level.value).length;
        expect(count, `${field} = ${level.value}`).toBeGreaterThanOrEqual(params.minCount);
      }
    }
  });
});
