/**
 * The estimator contract (scikit-learn's check_estimator): every estimator, simple or
 * composite, passes the same checks. Add a case here for every new estimator.
 */
import { describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { binEdges } from './binning.js';
import { ColumnTransformer } from './column-transformer.js';
import { isClassifier, isTransformer, type Estimator, type Labels } from './estimator.js';
import {
  frameFromRespondents,
  isFrame,
  selectFrameRows,
  type Frame,
  type TabularInput,
} from './frame.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { column, isMatrix, matrixFromColumns, rowAt, selectRows, type Matrix } from './matrix.js';
import { buildPipeline } from './model-factory.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { NUMERIC_FEATURES } from './features.js';
import { Pipeline } from './pipeline.js';
import { estimatorFromJSON } from './estimator-revival.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';
import { logisticProblem } from './testing/gaussian.js';
import { rowsOf } from './testing/rows.js';
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
const columnsOf = (from: Frame, names: readonly string[]): Frame => ({
  rows: from.rows,
  columns: from.columns.filter((c) => names.includes(c.name)),
});
const categorical = (names: string[]): Frame => columnsOf(frame, names);

// Inputs the single-record paths are compared on, beside the fit data: records and frames
// with unseen levels and missing values; numeric rows with missing (NaN) and infinite cells.
const unseen = (record: Respondent, changes: Record<string, unknown>): Respondent =>
  ({ ...record, ...changes }) as Respondent;
const scoreRecords: Respondent[] = syntheticRespondents(200, 43).map(
  ({ depression: _label, ...record }, i) => {
    switch (i % 10) {
      case 1:
        return unseen(record, { city: 'Atlantis', degree: 'Nothing', profession: 'Pirate' });
      case 2:
        return unseen(record, { financial_stress: null, sleep_duration: 'Others' });
      case 3:
        return unseen(record, { sleep_duration: 'Forever', gender: 'Other', dietary_habits: null });
      default:
        return record;
    }
  },
);
const refusedRecords: Respondent[] = [
  unseen(scoreRecords[0], { age: Number.NaN }),
  unseen(scoreRecords[1], { cgpa: '7.5' }),
  unseen(scoreRecords[2], { city: undefined }),
  unseen(scoreRecords[3], { degree: 3 }),
];
const scoreFrame = frameFromRespondents(scoreRecords);
/** Rows plus rows at every bin edge of the training columns: where trees split, < and ≤ differ. */
const withBinEdges = (rows: Matrix, train: Matrix): Matrix => {
  const edges = train.columnNames.map((_, j) => binEdges(column(train, j), 255));
  const extra = Math.max(...edges.map((e) => e.length));
  const columns = edges.map((columnEdges, j) => {
    const values = new Float64Array(rows.rows + extra);
    values.set(column(rows, j));
    for (let k = 0; k < extra; k++) values[rows.rows + k] = columnEdges[k % columnEdges.length];
    return values;
  });
  return matrixFromColumns(columns, train.columnNames);
};
const scoreNumeric = withBinEdges(logisticProblem(200, [1, -1, 0.5], 0.2, 44).X, numeric.X);
const withCells = (matrix: Matrix, cells: [row: number, col: number, value: number][]): Matrix => {
  const copy = { ...matrix, data: matrix.data.slice() };
  for (const [i, j, value] of cells) copy.data[j * matrix.rows + i] = value;
  return copy;
};
const nonFinite = (matrix: Matrix): Matrix =>
  withCells(selectRows(matrix, [0, 1, 2, 3]), [
    [0, 0, Number.NaN],
    [1, 1, Number.POSITIVE_INFINITY],
    [2, matrix.cols - 1, Number.NEGATIVE_INFINITY],
    [3, 0, Number.NaN],
  ]);
/** Columns of feature f (named as one-hot columns are), not adjacent. */
const GROUPED = ['f=a', 'g', 'f=b'];
const renamed = (matrix: Matrix, names: string[]): Matrix => ({ ...matrix, columnNames: names });
const scoreTwoColumns = matrixFromColumns(
  [column(scoreNumeric, 0), column(scoreNumeric, 1)],
  ['x0', 'x1'],
);

interface Case {
  name: string;
  make: () => Estimator;
  X: TabularInput;
  y: Labels;
  /** A matrix the estimator must reject because it holds NaN (omitted where NaN is allowed or input is categorical). */
  nanInput?: Matrix;
  /** Input like X, with unseen levels and missing values where the estimator accepts them. */
  score: TabularInput;
  /** Rows the batch path refuses, one by one (non-finite cells, unknown levels, bad records). */
  refused?: TabularInput;
}

const nanCopy = (matrix: Matrix): Matrix => {
  const copy = { ...matrix, data: matrix.data.slice() };
  copy.data[7] = Number.NaN;
  return copy;
};

const CASES: Case[] = [
  {
    name: 'SimpleImputer',
    make: () => new SimpleImputer(),
    X: withMissing,
    y: numeric.y,
    score: withCells(scoreTwoColumns, [
      [0, 0, Number.NaN],
      [5, 1, Number.NaN],
      [6, 0, Number.NaN],
      [6, 1, Number.NaN],
    ]),
    refused: withCells(selectRows(scoreTwoColumns, [0, 1]), [
      [0, 0, Number.POSITIVE_INFINITY],
      [1, 1, Number.NEGATIVE_INFINITY],
    ]),
  },
  {
    name: 'StandardScaler',
    make: () => new StandardScaler(),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
    score: scoreNumeric,
    refused: nonFinite(scoreNumeric),
  },
  {
    name: 'OrdinalEncoder',
    make: () => new OrdinalEncoder(),
    X: categorical(['sleep_duration']),
    y: recordLabels,
    score: columnsOf(scoreFrame, ['sleep_duration']),
  },
  {
    name: 'OrdinalEncoder (handleUnknown: error)',
    make: () => new OrdinalEncoder({ handleUnknown: 'error' }),
    X: categorical(['sleep_duration']),
    y: recordLabels,
    score: columnsOf(frameFromRespondents(scoreRecords.filter((_, i) => i % 10 !== 3)), [
      'sleep_duration',
    ]),
    refused: columnsOf(frameFromRespondents(scoreRecords.filter((_, i) => i % 10 === 3)), [
      'sleep_duration',
    ]),
  },
  {
    name: 'OneHotEncoder',
    make: () => new OneHotEncoder({ minFrequency: 5 }),
    X: categorical(['city', 'degree']),
    y: recordLabels,
    score: columnsOf(scoreFrame, ['city', 'degree']),
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
    score: scoreFrame,
  },
  {
    name: 'ColumnTransformer (remainder: passthrough)',
    make: () =>
      new ColumnTransformer(
        [
          ['scale', new StandardScaler(), ['age']],
          ['onehot', new OneHotEncoder(), ['gender']],
        ],
        { remainder: 'passthrough' },
      ),
    // Numeric columns pass through, missing values (financial_stress) included.
    X: columnsOf(frame, [...NUMERIC_FEATURES, 'gender']),
    y: recordLabels,
    score: columnsOf(scoreFrame, [...NUMERIC_FEATURES, 'gender']),
  },
  {
    name: 'LogisticRegression',
    make: () => new LogisticRegression(),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
    score: scoreNumeric,
    refused: nonFinite(scoreNumeric),
  },
  {
    name: 'GradientBoostedTrees',
    make: () =>
      new GradientBoostedTrees({ maxIter: 10, subsample: 0.8, maxFeatures: 0.7, seed: 3 }),
    X: numeric.X,
    y: numeric.y,
    nanInput: nanCopy(numeric.X),
    score: scoreNumeric,
    refused: nonFinite(scoreNumeric),
  },
  {
    // Columns of one feature share a contribution, added up in the batch path's order.
    name: 'LogisticRegression (grouped columns)',
    make: () => new LogisticRegression(),
    X: renamed(numeric.X, GROUPED),
    y: numeric.y,
    score: renamed(scoreNumeric, GROUPED),
  },
  {
    // … which for trees is tree by tree, root to leaf.
    name: 'GradientBoostedTrees (grouped columns)',
    make: () => new GradientBoostedTrees({ maxIter: 40, minSamplesLeaf: 5 }),
    X: renamed(numeric.X, GROUPED),
    y: numeric.y,
    score: renamed(scoreNumeric, GROUPED),
  },
  {
    name: 'Pipeline (logistic)',
    make: () => buildPipeline({ model: 'logistic' }),
    X: records,
    y: recordLabels,
    score: scoreRecords,
    refused: refusedRecords,
  },
  {
    name: 'Pipeline (gbdt)',
    make: () => buildPipeline({ model: 'gbdt', params: { maxIter: 10 } }),
    X: records,
    y: recordLabels,
    score: scoreRecords,
    refused: refusedRecords,
  },
];

/** What an estimator produces: probabilities for classifiers, the matrix for transformers. */
function output(estimator: Estimator, X: TabularInput): number[] {
  if (isClassifier(estimator)) return [...estimator.predictProba(X)];
  if (isTransformer(estimator)) return [...estimator.transform(X).data];
  throw new Error(`${estimator.kind} has neither predictProba nor transform`);
}

/**
 * What the batch path gives for every row of X, in the shape the single-record path gives it:
 * probability, base and per-feature contributions for classifiers, the outputs for transformers.
 */
function batchOutputs(estimator: Estimator, X: TabularInput): unknown[] {
  if (isClassifier(estimator)) {
    const probabilities = estimator.predictProba(X);
    const { base, values } = estimator.contributions(X);
    return Array.from(probabilities, (probability, i) => ({
      probability,
      base,
      features: values.columnNames,
      contributions: Array.from(rowAt(values, i)),
    }));
  }
  if (isTransformer(estimator)) {
    const out = estimator.transform(X);
    return Array.from({ length: out.rows }, (_, i) => ({
      columnNames: out.columnNames,
      values: Array.from(rowAt(out, i)),
    }));
  }
  throw new Error(`${estimator.kind} has neither predictProba nor transform`);
}

/** The single-record path, compiled for X's layout: row i of X → what batchOutputs gives for it. */
function rowPath(estimator: Estimator, X: TabularInput): (i: number) => unknown {
  const input = rowsOf(X);
  if (isClassifier(estimator)) {
    const scorer = estimator.compileRowScorer(input.columns);
    return (i) => {
      const { probability, base, contributions } = scorer.score(input.row(i));
      return { probability, base, features: scorer.features, contributions: [...contributions] };
    };
  }
  if (isTransformer(estimator)) {
    const transform = estimator.compileRowTransform(input.columns);
    // Around and inside the output, a value no transformer writes: every output must be written.
    const out = new Float64Array(transform.columnNames.length + 2);
    return (i) => {
      out.fill(-12345.5);
      transform.write(input.row(i), out, 1);
      expect([out[0], out[out.length - 1]]).toEqual([-12345.5, -12345.5]);
      return { columnNames: transform.columnNames, values: [...out.subarray(1, -1)] };
    };
  }
  throw new Error(`${estimator.kind} has neither predictProba nor transform`);
}

/** Row i of any input, as a one-row input of the same kind. */
function rowOf(X: TabularInput, i: number): TabularInput {
  if (isMatrix(X)) return selectRows(X, [i]);
  if (isFrame(X)) return selectFrameRows(X, [i]);
  return [(X as readonly Respondent[])[i]];
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
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

describe.each(CASES)('$name conforms to the estimator contract', (testCase) => {
  const { make, X, y, nanInput, score, refused } = testCase;
  it('fit returns the estimator itself', () => {
    const estimator = make();
    expect(estimator.fit(X, y)).toBe(estimator);
    expect(estimator.isFitted).toBe(true);
  });

  it('refuses to predict before fit', () => {
    expect(() => output(make(), X)).toThrow(/is not fitted yet/);
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

  it('refuses to compile its single-record path before fit', () => {
    const estimator = make();
    expect(() => rowPath(estimator, X)).toThrow(/is not fitted yet/);
  });

  it('single-record path gives exactly what the batch path gives, row by row', () => {
    const estimator = make().fit(X, y);
    // Through JSON too: serving compiles revived pipelines.
    const revived = estimatorFromJSON(JSON.parse(JSON.stringify(estimator.toJSON())));
    const expected = batchOutputs(estimator, score);
    expect(expected.length).toBeGreaterThan(10);
    for (const fitted of [estimator, revived]) {
      const path = rowPath(fitted, score);
      // toEqual compares numbers with Object.is: bit for bit, NaN equal to NaN, 0 ≠ −0.
      expected.forEach((row, i) => expect(path(i), `row ${i}`).toEqual(row));
    }
  });

  if (refused) {
    it('single-record path refuses the rows its batch path refuses, with the same error', () => {
      const estimator = make().fit(X, y);
      const path = rowPath(estimator, refused);
      const rows = rowsOf(refused).rows;
      expect(rows).toBeGreaterThan(0);
      for (let i = 0; i < rows; i++) {
        const batch = thrown(() => batchOutputs(estimator, rowOf(refused, i)));
        const single = thrown(() => path(i));
        expect(single, `row ${i}`).toBeInstanceOf((batch as Error).constructor);
        expect((single as Error).message, `row ${i}`).toBe((batch as Error).message);
      }
    });
  }

  it('single-record path rejects input of another shape than at fit', () => {
    const estimator = make().fit(X, y);
    expect(() => rowPath(estimator, wrongShape(X))(0)).toThrow(
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
