import { describe, expect, it } from 'vitest';
import { ColumnTransformer } from './column-transformer.js';
import { frameFromRespondents } from './frame.js';
import { LogisticRegression } from './logistic-regression.js';
import { column, matrixFromRows, rowAt } from './matrix.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { Pipeline } from './pipeline.js';
import { numericRowColumns, RESPONDENT_COLUMNS } from './row.js';
import { estimatorFromJSON } from './estimator-revival.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';
import { labelsOf, syntheticRespondents } from './testing/synthetic.js';

const records = syntheticRespondents(400, 11);
const labels = labelsOf(records);

const makePreprocess = (): ColumnTransformer =>
  new ColumnTransformer([
    [
      'numeric',
      new Pipeline([
        ['impute', new SimpleImputer()],
        ['scale', new StandardScaler()],
      ]),
      ['age', 'financial_stress'],
    ],
    ['categorical', new OneHotEncoder({ minFrequency: 5 }), ['city']],
  ]);

describe('ColumnTransformer', () => {
  it('applies each transformer to its columns and joins the outputs', () => {
    const out = makePreprocess().fitTransform(records, labels);
    expect(out.columnNames).toEqual([
      'age',
      'financial_stress',
      'city=Delhi',
      'city=Jaipur',
      'city=Kolkata',
      'city=Mumbai',
      'city=Pune',
      'city=other',
    ]);
    const age = column(out, 0);
    expect(Math.abs(age.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    expect([...column(out, 1)].some(Number.isNaN)).toBe(false);
  });

  it('passes remaining numeric columns through when asked', () => {
    const frame = frameFromRespondents(records);
    const numericOnly = {
      rows: frame.rows,
      columns: frame.columns.filter((c) => c.kind === 'numeric' && c.name !== 'financial_stress'),
    };
    const transformer = new ColumnTransformer([['age', new StandardScaler(), ['age']]], {
      remainder: 'passthrough',
    });
    const out = transformer.fitTransform(numericOnly);
    expect(out.columnNames[0]).toBe('age');
    expect(out.columnNames).toContain('cgpa');
    expect(out.cols).toBe(numericOnly.columns.length);
  });

  it('addresses nested hyperparameters by path', () => {
    const transformer = makePreprocess();
    expect(transformer.getParams()).toMatchObject({
      remainder: 'drop',
      'numeric.impute.strategy': 'median',
      'categorical.minFrequency': 5,
    });
    transformer.setParams({
      'numeric.impute.strategy': 'most_frequent',
      'categorical.minFrequency': 1,
    });
    expect(transformer.getParams()).toMatchObject({
      'numeric.impute.strategy': 'most_frequent',
      'categorical.minFrequency': 1,
    });
    expect(() => transformer.setParams({ 'nope.x': 1 })).toThrow(/no step "nope"/);
    expect(() => transformer.setParams({ 'numeric.impute.nope': 1 })).toThrow(
      /no hyperparameter "nope"/,
    );
  });
});

describe('Pipeline', () => {
  const build = (): Pipeline =>
    new Pipeline([
      ['preprocess', makePreprocess()],
      ['model', new LogisticRegression({ C: 0.5 })],
    ]);

  it('fits every step and predicts probabilities', () => {
    const pipeline = build().fit(records, labels);
    const p = pipeline.predictProba(records);
    expect(p).toHaveLength(records.length);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    expect(pipeline.isFitted).toBe(true);
  });

  it('exposes model hyperparameters as model.*', () => {
    const pipeline = build();
    expect(pipeline.getParams()['model.C']).toBe(0.5);
    pipeline.setParams({ 'model.C': 2 });
    expect((pipeline.step('model') as LogisticRegression).getParams().C).toBe(2);
    expect(() => pipeline.setParams({ C: 2 })).toThrow(/step.param/);
  });

  it('round-trips through JSON to identical predictions', () => {
    const pipeline = build().fit(records, labels);
    const json = JSON.parse(JSON.stringify(pipeline.toJSON()));
    expect(json.schemaVersion).toBe(1);
    const revived = estimatorFromJSON(json) as Pipeline;
    expect([...revived.predictProba(records)]).toEqual([...pipeline.predictProba(records)]);
  });

  it('rejects a non-transformer before the last step', () => {
    expect(
      () =>
        new Pipeline([
          ['model', new LogisticRegression()],
          ['scale', new StandardScaler()],
        ]),
    ).toThrow(/must be a transformer/);
    expect(() => new Pipeline([])).toThrow(/at least one step/);
    expect(() => new Pipeline([['a.b', new StandardScaler()]])).toThrow(/without "."/);
  });

  it('rejects a document of another schema version', () => {
    const json = { ...build().toJSON(), schemaVersion: 99 };
    expect(() => Pipeline.fromJSON(json)).toThrow(/schemaVersion 99/);
  });
});

describe('single-record paths of composites', () => {
  it('a pipeline of transformers writes what its transform gives, where it is told', () => {
    const numericOnly = new Pipeline([
      ['impute', new SimpleImputer()],
      ['scale', new StandardScaler()],
    ]);
    const X = makePreprocess().fit(records, labels).transform(records);
    const fitted = numericOnly.fit(X);
    const expected = fitted.transform(X);
    const transform = fitted.compileRowTransform(numericRowColumns(X.columnNames));
    expect(transform.columnNames).toEqual(expected.columnNames);
    const out = new Float64Array(expected.cols + 3);
    for (let i = 0; i < X.rows; i += 7) {
      transform.write(rowAt(X, i), out, 3);
      expect([...out.subarray(3)]).toEqual([...rowAt(expected, i)]);
    }
  });

  it('a pipeline refuses the row path its batch path refuses', () => {
    const scaler = new Pipeline([['scale', new StandardScaler()]]).fit(
      matrixFromRows([[1], [2]], ['a']),
    );
    expect(() => scaler.compileRowScorer(numericRowColumns(['a']))).toThrow(/not a classifier/);
    const model = new Pipeline([['model', new LogisticRegression()]]);
    expect(() => model.compileRowTransform(numericRowColumns(['a']))).toThrow(/not a transformer/);
  });

  it('a column transformer names the column its row lacks', () => {
    const transformer = makePreprocess().fit(records, labels);
    const withoutCity = RESPONDENT_COLUMNS.filter((column) => column.name !== 'city');
    expect(() => transformer.compileRowTransform(withoutCity)).toThrow(
      'ColumnTransformer step categorical: missing column city',
    );
  });
});
