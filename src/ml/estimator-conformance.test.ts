/**
 * The estimator contract (scikit-learn's check_estimator): every estimator, simple or
 * composite, passes the same checks. Add a case here for every new estimator.
 */
import { describe, expect, it } from 'vitest';
import { ColumnTransformer } from './column-transformer.js';
import { NotFittedError } from './errors.js';
import { isClassifier, isTransformer, type Estimator, type Labels } from './estimator.js';
import { frameFromRespondents, type Frame, type TabularInput } from './frame.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { isMatrix, matrixFromColumns, type Matrix } from './matrix.js';
import { buildPipeline } from './model-factory.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { Pipeline } from './pipeline.js';
import { estimatorFromJSON } from './estimator-revival.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';
import { logisticProblem } from './testing/gaussian.js';
import { labelsOf, syntheticRespondents } from './testing/synthetic.js';

const records = syntheticRespondents(300, 41);
const recordLabels = labelsOf(records);
const frame = frameFromRespondents(records);
const numeric = logisticProblem(300, [1, -1, 0.5], 0.2, 42);
const withMissing: Matrix = (() => {
  const copy = matrixFromColumns(
    [numeric.X.data.slice(0, 300), numeric.X.data.slice(300, 600)],
    ['x0', 'x1'],
  );
  copy.data[5] = Number.NaN;
  return copy;
})();
const categorical = (names: string[]): Frame => ({
  rows: frame.rows,
  columns: frame.columns.filter((c) => names.includes(c.name)),
});

interface Case {
  name: string;
  make: () => Estimator;
  X: TabularInput;
  y: Labels;
  /** A matrix the estimator must reject because it holds NaN (omitted where NaN is allowed or input is categorical). */
  nanInput?: Matrix;
}

const nanCopy = (matrix: Matrix): Matrix => {
  const copy = { ...matrix, data: matrix.data.slice() };
  copy.data[7] = Number.NaN;
  return copy;
};

const CASES: Case[] = [
  { name: 'SimpleImputer', make: () => new SimpleImputer(), X: withMissing, y: numeric.y },
  {
    name: 'StandardScaler',
    make: () => new StandardScaler(),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
  },
  {
    name: 'OrdinalEncoder',
    make: () => new OrdinalEncoder(),
    X: categorical(['sleep_duration']),
    y: recordLabels,
  },
  {
    name: 'OneHotEncoder',
    make: () => new OneHotEncoder({ minFrequency: 5 }),
    X: categorical(['city', 'degree']),
    y: recordLabels,
  },
  {
    name: 'ColumnTransformer',
    make: () =>
      new ColumnTransformer([
        ['scale', new StandardScaler(), ['age']],
        ['onehot', new OneHotEncoder(), ['gender']],
      ]),
    X: frame,
    y: recordLabels,
  },
  {
    name: 'LogisticRegression',
    make: () => new LogisticRegression(),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
  },
  {
    name: 'GradientBoostedTrees',
    make: () =>
      new GradientBoostedTrees({ maxIter: 10, subsample: 0.8, maxFeatures: 0.7, seed: 3 }),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
  },
  {
    name: 'Pipeline (logistic)',
    make: () => buildPipeline({ model: 'logistic' }),
    X: records,
    y: recordLabels,
  },
  {
    name: 'Pipeline (gbdt)',
    make: () => buildPipeline({ model: 'gbdt', params: { maxIter: 10 } }),
    X: records,
    y: recordLabels,
  },
];

/** What an estimator produces: probabilities for classifiers, the matrix for transformers. */
function output(estimator: Estimator, X: TabularInput): number[] {
  if (isClassifier(estimator)) return [...estimator.predictProba(X)];
  if (isTransformer(estimator)) return [...estimator.transform(X).data];
  throw new Error(`${estimator.kind} has neither predictProba nor transform`);
}

/** A deep snapshot of the input, to detect mutation (typed arrays compared by content). */
function snapshot(X: TabularInput): string {
  const replacer = (_key: string, value: unknown): unknown =>
    ArrayBuffer.isView(value) ? Array.from(value as Float64Array, String) : value;
  return JSON.stringify(X, replacer);
}

/** Input with one column fewer, which every estimator must reject. */
function wrongShape(X: TabularInput): TabularInput {
  if (isMatrix(X)) return matrixFromColumns([X.data.subarray(0, X.rows)], [X.columnNames[0]]);
  if (Array.isArray(X))
    return (X as typeof records).map(
      ({ city: _city, ...rest }) => rest,
    ) as unknown as typeof records;
  const f = X as Frame;
  return { rows: f.rows, columns: f.columns.slice(1) };
}

describe.each(CASES)('$name conforms to the estimator contract', ({ make, X, y, nanInput }) => {
  it('fit returns the estimator itself', () => {
    const estimator = make();
    expect(estimator.fit(X, y)).toBe(estimator);
    expect(estimator.isFitted).toBe(true);
  });

  it('refuses to predict before fit', () => {
    expect(() => output(make(), X)).toThrow(NotFittedError);
  });

  it('is deterministic: two fits give the same document', () => {
    expect(JSON.stringify(make().fit(X, y).toJSON())).toBe(
      JSON.stringify(make().fit(X, y).toJSON()),
    );
  });

  it('round-trips through JSON text to identical outputs', () => {
    const estimator = make().fit(X, y);
    const revived = estimatorFromJSON(JSON.parse(JSON.stringify(estimator.toJSON())));
    expect(revived.kind).toBe(estimator.kind);
    expect(output(revived, X)).toEqual(output(estimator, X));
    expect(JSON.stringify(revived.toJSON())).toBe(JSON.stringify(estimator.toJSON()));
  });

  it('round-trips unfitted, keeping its hyperparameters', () => {
    const estimator = make();
    const revived = estimatorFromJSON(JSON.parse(JSON.stringify(estimator.toJSON())));
    expect(revived.isFitted).toBe(false);
    expect(revived.getParams()).toEqual(estimator.getParams());
  });

  it('does not mutate its inputs', () => {
    const before = snapshot(X);
    const labelsBefore = Array.from(y);
    const estimator = make().fit(X, y);
    output(estimator, X);
    expect(snapshot(X)).toBe(before);
    expect(Array.from(y)).toEqual(labelsBefore);
  });

  it('getParams / setParams round-trip, unknown names rejected', () => {
    const estimator = make();
    const params = estimator.getParams();
    expect(estimator.setParams(params).getParams()).toEqual(params);
    expect(() => estimator.setParams({ noSuchParam: 1 })).toThrow(/no hyperparameter|step\.param/);
    const fresh = make();
    fresh.setParams(params);
    expect(JSON.stringify(fresh.toJSON())).toBe(JSON.stringify(estimator.toJSON()));
  });

  it('rejects input of another shape than at fit, with a clear message', () => {
    const estimator = make().fit(X, y);
    expect(() => output(estimator, wrongShape(X))).toThrow(
      /expected columns|missing column|is absent/,
    );
  });

  if (nanInput) {
    it('rejects NaN, naming the cell', () => {
      expect(() => make().fit(nanInput, y)).toThrow(/is NaN/);
    });
  }

  const estimatorIsClassifier = isClassifier(make());
  if (estimatorIsClassifier) {
    it('rejects a single class, a length mismatch and non-binary labels', () => {
      const rows = Array.from(y).length;
      expect(() => make().fit(X, new Uint8Array(rows))).toThrow(/single class/);
      expect(() => make().fit(X, Array.from(y).slice(1))).toThrow(
        /has \d+ rows but y has \d+ labels/,
      );
      expect(() =>
        make().fit(
          X,
          Array.from(y, (v) => v * 2),
        ),
      ).toThrow(/labels must be 0 or 1/);
      expect(() => make().fit(X, undefined)).toThrow(/labels y are required/);
    });
  }
});

describe('composites are built from the same parts', () => {
  it('Pipeline and ColumnTransformer are registered for fromJSON', () => {
    expect(estimatorFromJSON(new Pipeline([['s', new StandardScaler()]]).toJSON()).kind).toBe(
      'Pipeline',
    );
    expect(() =>
      estimatorFromJSON({ schemaVersion: 1, kind: 'Nope', params: {}, state: null }),
    ).toThrow(/unknown estimator kind "Nope"/);
  });
});
