/**
 * REFERENCE ONLY — a frozen copy of src/serving/compiled-scorer.ts as it was before the
 * estimators owned their single-record path (commit c5bbb6c). bench/score.ts measures the new
 * scorer against it in the same run. Nothing outside bench/ may import it; do not "fix" it:
 * it is the baseline, not a second implementation to maintain.
 */
import type { Respondent } from '../../src/data/record.js';
import type { EstimatorJson } from '../../src/ml/estimator.js';
import { featureGroups } from '../../src/ml/feature-groups.js';
import { sigmoid } from '../../src/ml/linear-algebra.js';

/**
 * What scoring one record gives: P(class 1) and per-feature log-odds contributions, with
 * `base + Σ contributions` equal to the model's log-odds.
 */
export interface RecordScore {
  probability: number;
  base: number;
  /** One value per entry of `features`, in that order. Reused: copy what you keep. */
  contributions: Float64Array;
}

/** Scores one record at a time. */
export interface RecordScorer {
  readonly kind: 'compiled' | 'pipeline';
  /** The original features contributions are reported for. */
  readonly features: readonly string[];
  score(record: Respondent): RecordScore;
}

type ColumnEncoder = (record: Respondent, out: Float64Array) => void;

/** Thrown while compiling when the pipeline has a shape the compiler does not know. */
class Unsupported extends Error {}

/**
 * Compiles a fitted pipeline (as its JSON document) into a scorer for single records that
 * reuses the fitted parameters and one scratch buffer: no frames, matrices or maps per call.
 * It applies the same floating-point operations in the same order as the generic pipeline,
 * so the results are identical, and `createRecordScorer` verifies that before using it.
 * Returns null for pipeline shapes it does not know (then the generic path is used).
 */
export function compileScorer(pipeline: EstimatorJson): RecordScorer | null {
  try {
    return compile(pipeline);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

interface PipelineState {
  steps: { name: string; estimator: EstimatorJson }[];
}

function compile(pipeline: EstimatorJson): RecordScorer {
  if (pipeline.kind !== 'Pipeline') throw new Unsupported();
  const { steps } = pipeline.state as PipelineState;
  if (steps.length !== 2) throw new Unsupported();
  const [preprocess, model] = steps.map((step) => step.estimator);
  const { encoders, columnNames } = compileColumnTransformer(preprocess);
  const modelState = model.state as { columnNames: string[] } | null;
  if (!modelState || !sameNames(modelState.columnNames, columnNames)) throw new Unsupported();
  const x = new Float64Array(columnNames.length);
  const encode = (record: Respondent): Float64Array => {
    x.fill(0);
    for (const encoder of encoders) encoder(record, x);
    return x;
  };
  const { features, groupOf } = featureGroups(columnNames);
  const contributions = new Float64Array(features.length);
  const result: RecordScore = { probability: 0, base: 0, contributions };

  if (model.kind === 'LogisticRegression') {
    const state = model.state as { coef: number[]; intercept: number; featureMeans: number[] };
    const coef = Float64Array.from(state.coef);
    const means = Float64Array.from(state.featureMeans);
    // As LogisticRegression.contributions: the intercept plus Σ coef·mean, in column order.
    let base = state.intercept;
    for (let j = 0; j < coef.length; j++) base += coef[j] * means[j];
    return {
      kind: 'compiled',
      features,
      score(record) {
        const input = encode(record);
        let z = state.intercept;
        for (let j = 0; j < coef.length; j++) {
          const beta = coef[j];
          if (beta === 0) continue;
          z += beta * input[j];
        }
        contributions.fill(0);
        for (let j = 0; j < coef.length; j++)
          contributions[groupOf[j]] += coef[j] * (input[j] - means[j]);
        result.probability = sigmoid(z);
        result.base = base;
        return result;
      },
    };
  }
  if (model.kind === 'GradientBoostedTrees') {
    const state = model.state as {
      baseline: number;
      trees: {
        feature: number[];
        threshold: number[];
        left: number[];
        right: number[];
        value: number[];
      }[];
    };
    // All trees in one set of typed arrays (children as absolute node indices): the walk
    // then reads no per-tree objects, which halved its time.
    const total = state.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    const roots = new Int32Array(state.trees.length);
    const feature = new Int32Array(total);
    const threshold = new Float64Array(total);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const value = new Float64Array(total);
    let offset = 0;
    state.trees.forEach((tree, t) => {
      roots[t] = offset;
      for (let k = 0; k < tree.feature.length; k++) {
        feature[offset + k] = tree.feature[k];
        threshold[offset + k] = tree.threshold[k];
        left[offset + k] = offset + tree.left[k];
        right[offset + k] = offset + tree.right[k];
        value[offset + k] = tree.value[k];
      }
      offset += tree.feature.length;
    });
    let base = state.baseline;
    for (const root of roots) base += value[root];
    return {
      kind: 'compiled',
      features,
      score(record) {
        const input = encode(record);
        let raw = state.baseline;
        contributions.fill(0);
        for (let t = 0; t < roots.length; t++) {
          let node = roots[t];
          let f = feature[node];
          while (f >= 0) {
            const child = input[f] <= threshold[node] ? left[node] : right[node];
            contributions[groupOf[f]] += value[child] - value[node];
            node = child;
            f = feature[node];
          }
          raw += value[node];
        }
        result.probability = sigmoid(raw);
        result.base = base;
        return result;
      },
    };
  }
  throw new Unsupported();
}

function compileColumnTransformer(json: EstimatorJson): {
  encoders: ColumnEncoder[];
  columnNames: string[];
} {
  if (json.kind !== 'ColumnTransformer' || json.params.remainder !== 'drop')
    throw new Unsupported();
  const state = json.state as {
    transformers: { name: string; columns: string[]; estimator: EstimatorJson }[];
  };
  const encoders: ColumnEncoder[] = [];
  const columnNames: string[] = [];
  for (const { columns, estimator } of state.transformers) {
    if (estimator.kind === 'OneHotEncoder') {
      compileOneHot(estimator, columns, columnNames.length, encoders, columnNames);
    } else if (estimator.kind === 'Pipeline') {
      compileNumericChain(estimator, columns, columnNames.length, encoders);
      columnNames.push(...columns);
    } else {
      throw new Unsupported();
    }
  }
  return { encoders, columnNames };
}

/** Numeric or ordinal columns through an optional OrdinalEncoder, an imputer and a scaler. */
function compileNumericChain(
  json: EstimatorJson,
  columns: readonly string[],
  firstOutput: number,
  encoders: ColumnEncoder[],
): void {
  const { steps } = json.state as PipelineState;
  const chains: ((value: number) => number)[][] = columns.map(() => []);
  let readValue: ((record: Respondent, column: string, j: number) => number) | null = null;
  steps.forEach(({ estimator }, position) => {
    if (estimator.kind === 'OrdinalEncoder') {
      if (position !== 0) throw new Unsupported();
      const params = estimator.params as {
        mappings: Record<string, Record<string, number | null>>;
        handleUnknown: string;
      };
      if (params.handleUnknown !== 'missing') throw new Unsupported();
      const maps = columns.map((column) => {
        const mapping = params.mappings[column];
        if (!mapping) throw new Unsupported();
        return new Map(
          Object.entries(mapping).map(([level, value]) => [level, value ?? Number.NaN]),
        );
      });
      readValue = (record, column, j) => {
        const level = record[column as keyof Respondent];
        return typeof level === 'string' ? (maps[j].get(level) ?? Number.NaN) : Number.NaN;
      };
    } else if (estimator.kind === 'SimpleImputer') {
      const { statistics, columnNames } = estimator.state as {
        statistics: number[];
        columnNames: string[];
      };
      if (!sameNames(columnNames, columns)) throw new Unsupported();
      columns.forEach((_, j) => {
        const fill = statistics[j];
        chains[j].push((value) => (Number.isNaN(value) ? fill : value));
      });
    } else if (estimator.kind === 'StandardScaler') {
      const { mean, scale, columnNames } = estimator.state as {
        mean: number[];
        scale: number[];
        columnNames: string[];
      };
      if (!sameNames(columnNames, columns)) throw new Unsupported();
      columns.forEach((_, j) => {
        const mu = mean[j];
        const sd = scale[j];
        chains[j].push((value) => (value - mu) / sd);
      });
    } else {
      throw new Unsupported();
    }
  });
  const read: (record: Respondent, column: string, j: number) => number =
    readValue ??
    ((record: Respondent, column: string) => {
      const value = record[column as keyof Respondent];
      return typeof value === 'number' ? value : Number.NaN;
    });
  columns.forEach((column, j) => {
    const chain = chains[j];
    encoders.push((record, out) => {
      let value = read(record, column, j);
      for (const step of chain) value = step(value);
      out[firstOutput + j] = value;
    });
  });
}

function compileOneHot(
  json: EstimatorJson,
  columns: readonly string[],
  firstOutput: number,
  encoders: ColumnEncoder[],
  columnNames: string[],
): void {
  const infrequentName = json.params.infrequentName as string;
  const state = json.state as {
    columns: { name: string; frequent: string[]; infrequent: string[] }[];
  };
  if (
    !sameNames(
      state.columns.map((col) => col.name),
      columns,
    )
  )
    throw new Unsupported();
  let offset = firstOutput;
  for (const { name, frequent, infrequent } of state.columns) {
    const position = new Map<string, number>();
    frequent.forEach((level, k) => position.set(level, offset + k));
    for (const level of infrequent) position.set(level, offset + frequent.length);
    columnNames.push(...frequent.map((level) => `${name}=${level}`));
    if (infrequent.length > 0) columnNames.push(`${name}=${infrequentName}`);
    offset += frequent.length + (infrequent.length > 0 ? 1 : 0);
    encoders.push((record, out) => {
      const level = record[name as keyof Respondent];
      // An unseen level (or a missing one) is all zeros, as OneHotEncoder.transform.
      const at = typeof level === 'string' ? position.get(level) : undefined;
      if (at !== undefined) out[at] = 1;
    });
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, j) => name === b[j]);
}
