import { describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { DomainError } from '../errors.js';
import type { Classifier } from '../ml/estimator.js';
import { estimatorFromJSON } from '../ml/estimator-revival.js';
import { LogisticRegression } from '../ml/logistic-regression.js';
import { column, matrixFromRows } from '../ml/matrix.js';
import { buildPipeline } from '../ml/model-factory.js';
import { Pipeline } from '../ml/pipeline.js';
import { StandardScaler } from '../ml/standard-scaler.js';
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
  // Every item the survey lets a respondent skip, skipped.
  {
    ...test[2],
    gender: null,
    city: null,
    cgpa: null,
    financial_stress: null,
    family_history: null,
    suicidal_thoughts: null,
  },
);

describe.each([
  ['logistic', {}],
  ['gbdt', { maxIter: 30 }],
] as const)('compiled %s scorer', (model, params) => {
  const pipeline = buildPipeline({ model, params, exclude: ['gender'] }).fit(
    train.records,
    train.labels,
  );
  // As serving does: from the stored document, revived.
  const scorer = compileScorer(
    estimatorFromJSON(JSON.parse(JSON.stringify(pipeline.toJSON()))) as Classifier,
  );

  it('reproduces the pipeline exactly: probability, base and every contribution', () => {
    expect(scorer.kind).toBe('compiled');
    const probabilities = pipeline.predictProba(test);
    const { base, values } = pipeline.contributions(test);
    expect(scorer.features).toEqual(values.columnNames);
    test.forEach((record, i) => {
      const score = scorer.score(record);
      expect(score.probability).toBe(probabilities[i]);
      expect(score.base).toBe(base);
      score.contributions.forEach((value, j) => expect(value).toBe(column(values, j)[i]));
    });
  });

  it('adds up: base + Σ contributions is the log-odds', () => {
    const score = scorer.score(test[5]);
    const logOdds = score.base + score.contributions.reduce((sum, v) => sum + v, 0);
    expect(1 / (1 + Math.exp(-logOdds))).toBeCloseTo(score.probability, 12);
  });
});

it('refuses a pipeline that does not take respondent records, saying why', () => {
  const onMatrix = new Pipeline([
    ['scale', new StandardScaler()],
    ['model', new LogisticRegression()],
  ]).fit(matrixFromRows([[1], [2], [3], [4]], ['x']), [0, 1, 0, 1]);
  expect(() => compileScorer(onMatrix)).toThrow(DomainError);
  expect(() => compileScorer(onMatrix)).toThrow(/StandardScaler: column .* is categorical/);
});
