import { describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { column } from '../ml/matrix.js';
import { buildPipeline } from '../ml/model-factory.js';
import { compileScorer } from './compiled-scorer.js';

function split(rows: number, seed: number) {
  const records: Respondent[] = [];
  const labels: number[] = [];
  for (const { depression, ...record } of generateSynthetic({ rows, seed })) {
    records.push(record);
    labels.push(depression);
  }
  return { records, labels };
}

const train = split(1500, 3);
const test = split(200, 4).records;
// Unseen categories and missing values must score like the pipeline scores them, not fail.
test.push(
  { ...test[0], city: 'Atlantis', degree: 'Nothing', profession: 'Pirate' },
  { ...test[1], financial_stress: null, sleep_duration: 'Others' },
);

describe.each([
  ['logistic', {}],
  ['gbdt', { maxIter: 30 }],
] as const)('compiled %s scorer', (model, params) => {
  const pipeline = buildPipeline({ model, params, exclude: ['gender'] }).fit(
    train.records,
    train.labels,
  );
  const scorer = compileScorer(pipeline.toJSON());

  it('reproduces the pipeline exactly: probability, base and every contribution', () => {
    expect(scorer).not.toBeNull();
    const probabilities = pipeline.predictProba(test);
    const { base, values } = pipeline.contributions(test);
    expect(scorer!.features).toEqual(values.columnNames);
    test.forEach((record, i) => {
      const score = scorer!.score(record);
      expect(score.probability).toBe(probabilities[i]);
      expect(score.base).toBe(base);
      score.contributions.forEach((value, j) => expect(value).toBe(column(values, j)[i]));
    });
  });

  it('adds up: base + Σ contributions is the log-odds', () => {
    const score = scorer!.score(test[5]);
    const logOdds = score.base + score.contributions.reduce((sum, v) => sum + v, 0);
    expect(1 / (1 + Math.exp(-logOdds))).toBeCloseTo(score.probability, 12);
  });
});

it('declines pipeline shapes it does not know', () => {
  expect(
    compileScorer({ schemaVersion: 1, kind: 'StandardScaler', params: {}, state: null }),
  ).toBeNull();
});
