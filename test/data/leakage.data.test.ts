/**
 * Leakage: nothing in the real data gives the label away or lets a respondent appear on both
 * sides of training's split, so held-out metrics measure what a new respondent would get.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { loadKaggleCsvFile } from '../../src/data/kaggle-csv.js';
import { FEATURE_NAMES, type LabelledRespondent } from '../../src/data/record.js';
import { rocAuc } from '../../src/ml/metrics.js';
import { stratifiedTrainTestSplit } from '../../src/ml/splits.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';

/** A respondent's factors without the label: two rows alike here are the same person to a model. */
const factors = (record: LabelledRespondent) =>
  JSON.stringify(FEATURE_NAMES.map((name) => record[name]));

describe('leakage in the real data ($SDP_DATASET)', needsDataset, () => {
  let records: LabelledRespondent[];
  let ids: string[];
  let split: { train: LabelledRespondent[]; test: LabelledRespondent[]; ids: [string[], string[]] };
  beforeAll(async () => {
    ({ records, ids } = await loadKaggleCsvFile(datasetFile()));
    const { train } = loadConfig({ env: {} }).config;
    const parts = stratifiedTrainTestSplit(
      records.map((record) => record.depression),
      train,
    );
    split = {
      train: Array.from(parts.train, (i) => records[i]),
      test: Array.from(parts.test, (i) => records[i]),
      ids: [Array.from(parts.train, (i) => ids[i]), Array.from(parts.test, (i) => ids[i])],
    };
  });

  it('has no two rows with the same factors (so no duplicates and no conflicting labels)', () => {
    expect(new Set(records.map(factors)).size).toBe(records.length);
  });

  it('puts no respondent on both sides of training’s split, by id or by factors', () => {
    const trainIds = new Set(split.ids[0]);
    expect(split.ids[1].filter((id) => trainIds.has(id))).toEqual([]);
    const trainRows = new Set(split.train.map(factors));
    expect(split.test.filter((record) => trainRows.has(factors(record)))).toEqual([]);
  });

  it('has no factor that gives the label away: alone, each ranks held-out rows at ROC-AUC < 0.85', () => {
    const prior = split.train.filter((r) => r.depression === 1).length / split.train.length;
    const labels = split.test.map((record) => record.depression);
    const auc = Object.fromEntries(
      FEATURE_NAMES.map((name) => {
        // Score each held-out row by the positive rate of its value in the training part.
        const byValue = new Map<unknown, [rows: number, positives: number]>();
        for (const record of split.train) {
          const entry = byValue.get(record[name]) ?? [0, 0];
          entry[0]++;
          entry[1] += record.depression;
          byValue.set(record[name], entry);
        }
        const scores = split.test.map((record) => {
          const entry = byValue.get(record[name]);
          return entry ? entry[1] / entry[0] : prior;
        });
        return [name, rocAuc(labels, scores)];
      }),
    );
    for (const [name, value] of Object.entries(auc)) expect(value, name).toBeLessThan(0.85);
    // …while the strongest factor does carry signal, so the check is not vacuous.
    expect(Math.max(...Object.values(auc))).toBeGreaterThan(0.7);
  });

  it('carries no label in its ids or row order (ROC-AUC of the id 0.5 ± 0.03)', () => {
    const auc = rocAuc(
      records.map((record) => record.depression),
      ids.map(Number),
    );
    expect(Math.abs(auc - 0.5)).toBeLessThan(0.03);
  });
});
