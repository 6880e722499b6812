import { z } from 'zod';
import { DomainError } from '../errors.js';
import { notFitted } from './errors.js';
import type { TabularInput } from './frame.js';
import type { Matrix } from './matrix.js';
import type { Row, RowColumn } from './row.js';

/** Version of the estimator JSON format; bump when a stored document would be misread. */
export const SCHEMA_VERSION = 1;

export type ParamValue =
  number | string | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

/**
 * The JSON document of an estimator. `state` is null before fit; composites keep their
 * children's documents in `state` whether fitted or not, since the children are structure.
 */
export interface EstimatorJson {
  schemaVersion: number;
  kind: string;
  params: Params;
  state: unknown;
}

/** Binary labels, 0 or 1, one per row. */
export type Labels = ArrayLike<number>;

/** What every estimator offers (scikit-learn's BaseEstimator). */
export interface Estimator {
  readonly kind: string;
  readonly isFitted: boolean;
  /** Hyperparameters; composites flatten their children's as `step.param` paths. */
  getParams(): Params;
  /** Updates hyperparameters (paths for composites); unknown names are an error. */
  setParams(params: Params): this;
  toJSON(): EstimatorJson;
  /** `sampleWeight` (classifiers only; transformers ignore it): a non-negative weight per row. */
  fit(X: TabularInput, y?: Labels, sampleWeight?: ArrayLike<number>): this;
}

/** An estimator that maps its input to a numeric matrix. */
export interface Transformer extends Estimator {
  transform(X: TabularInput): Matrix;
  fitTransform(X: TabularInput, y?: Labels): Matrix;
  /**
   * The single-record path of `transform` (see RowTransform) for rows laid out as `columns`.
   * The layout is checked once, here, as `transform` checks its input, and the path is built
   * from the state fitted now: compile again after refitting.
   * @throws an `invalid` error before fit, and for a layout `transform` refuses
   */
  compileRowTransform(columns: readonly RowColumn[]): RowTransform;
}

/**
 * The single-record paths. Serving scores one record at a time, where building a frame and
 * matrices per call costs more than the arithmetic, so each estimator compiles its fitted
 * state into a function that works on one row and allocates nothing (composites compose
 * their children's). They apply the same floating-point operations in the same order as the
 * batch path, so the results are identical, not merely close; the conformance suite checks it.
 */
export interface RowTransform {
  /** The output columns, as `transform` names them. */
  readonly columnNames: readonly string[];
  /**
   * Writes the outputs for one row to `out[offset … offset + columnNames.length)`, every one
   * of them; refuses what `transform` refuses for a one-row batch, with its message.
   */
  write(row: Row, out: Float64Array, offset: number): void;
}

/** A classifier's single-record path (see RowTransform). */
export interface RowScorer {
  /** The features contributions are reported for, as `contributions` names its columns. */
  readonly features: readonly string[];
  /** `predictProba` and `contributions` for one row. The result is reused: copy what you keep. */
  score(row: Row): RowScore;
}

/** What scoring one row gives: `base + Σ contributions` is the log-odds of P(y = 1). */
export interface RowScore {
  probability: number;
  base: number;
  /** One value per feature of the scorer, in that order. */
  contributions: Float64Array;
}

/**
 * Signed per-feature contributions in log-odds: for row i,
 * `base + Σ_f values[f][i]` is the model's log-odds of class 1.
 */
export interface Contributions {
  readonly base: number;
  /** One column per original feature (one-hot groups summed back to their feature). */
  readonly values: Matrix;
}

/** A binary classifier. `predictProba` returns P(y = 1) per row. */
export interface Classifier extends Estimator {
  fit(X: TabularInput, y: Labels, sampleWeight?: ArrayLike<number>): this;
  predictProba(X: TabularInput): Float64Array;
  /** The single-record path of `predictProba` and `contributions` (see RowTransform). */
  compileRowScorer(columns: readonly RowColumn[]): RowScorer;
  contributions(X: TabularInput): Contributions;
  /** Problems found while fitting, such as a solver that did not converge. */
  readonly warnings: readonly string[];
  /**
   * Metric series recorded while fitting, by name, one value per step (e.g. the loss after
   * each boosting round), for tracking; absent for estimators that fit in one go.
   */
  readonly fitSeries?: Readonly<Record<string, readonly number[]>>;
}

export function isTransformer(estimator: Estimator): estimator is Transformer {
  return typeof (estimator as Transformer).transform === 'function';
}

export function isClassifier(estimator: Estimator): estimator is Classifier {
  return typeof (estimator as Classifier).predictProba === 'function';
}

/**
 * Shared hyperparameter handling. Subclasses pass their defaults and a zod schema; the
 * constructor only stores values (unknown names fail at once, values are checked by `fit`).
 */
export abstract class BaseEstimator<P extends Params, S> {
  abstract readonly kind: string;
  protected params: P;
  protected state: S | null = null;

  protected constructor(
    defaults: P,
    overrides: Partial<P>,
    private readonly schema: z.ZodType<P>,
  ) {
    this.params = { ...defaults };
    this.assignParams(overrides as Params);
  }

  get isFitted(): boolean {
    return this.state !== null;
  }

  getParams(): P {
    return structuredClone(this.params);
  }

  setParams(params: Params): this {
    this.assignParams(params);
    return this;
  }

  /** The hyperparameters, checked against the schema. */
  protected validatedParams(): P {
    const result = this.schema.safeParse(this.params);
    if (!result.success) {
      throw DomainError.invalid(
        `${this.kind}: invalid hyperparameters: ${z.prettifyError(result.error)}`,
      );
    }
    return result.data;
  }

  protected fittedState(): S {
    if (this.state === null) throw notFitted(this.kind);
    return this.state;
  }

  toJSON(): EstimatorJson {
    return {
      schemaVersion: SCHEMA_VERSION,
      kind: this.kind,
      params: this.getParams(),
      state: this.state && structuredClone(this.state),
    };
  }

  /** For `fromJSON`: checks the document's envelope and takes a copy of its learned state. */
  protected withStateOf(json: EstimatorJson): this {
    checkJson(json, this.kind);
    this.state = (json.state as S | null) && structuredClone(json.state as S);
    return this;
  }

  private assignParams(params: Params): void {
    const next: Params = { ...this.params };
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (!(key in next)) {
        throw DomainError.invalid(
          `${this.constructor.name} has no hyperparameter "${key}" (known: ${Object.keys(next).join(', ')})`,
        );
      }
      next[key] = structuredClone(value);
    }
    this.params = next as P;
  }
}

/** Checks the envelope of an estimator document before reviving it. */
export function checkJson(json: EstimatorJson, kind: string): void {
  if (json === null || typeof json !== 'object')
    throw DomainError.invalid(`expected a ${kind} document`);
  if (json.schemaVersion !== SCHEMA_VERSION) {
    throw DomainError.invalid(
      `${kind} document has schemaVersion ${String(json.schemaVersion)}; this build reads ${SCHEMA_VERSION}`,
    );
  }
  if (json.kind !== kind)
    throw DomainError.invalid(`expected a ${kind} document, got ${String(json.kind)}`);
}

/**
 * Checks binary labels against the number of rows and returns them as bytes.
 * @param requireBothClasses false for estimators that ignore y
 */
/**
 * Checks row weights: one per row, finite, non-negative, not all zero; undefined stays
 * undefined (every row weighs 1).
 */
export function validateWeights(
  weights: ArrayLike<number> | undefined,
  rows: number,
  context: string,
): Float64Array | undefined {
  if (weights === undefined) return undefined;
  if (weights.length !== rows)
    throw DomainError.invalid(
      `${context}: X has ${rows} rows but ${weights.length} sample weights`,
    );
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights[i];
    if (!(Number.isFinite(w) && w >= 0))
      throw DomainError.invalid(
        `${context}: sample weight ${i} is ${String(w)}; weights must be finite and ≥ 0`,
      );
    total += w;
  }
  if (total <= 0) throw DomainError.invalid(`${context}: the sample weights sum to 0`);
  return Float64Array.from(weights);
}

export function validateLabels(
  y: Labels | undefined,
  rows: number,
  context: string,
  requireBothClasses = true,
): Uint8Array {
  if (y === undefined || y === null) throw DomainError.invalid(`${context}: labels y are required`);
  if (y.length !== rows)
    throw DomainError.invalid(`${context}: X has ${rows} rows but y has ${y.length} labels`);
  const labels = new Uint8Array(rows);
  let positives = 0;
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1)
      throw DomainError.invalid(`${context}: label ${i} is ${String(v)}; labels must be 0 or 1`);
    labels[i] = v;
    positives += v;
  }
  if (requireBothClasses && (positives === 0 || positives === rows)) {
    throw DomainError.invalid(
      `${context}: y holds a single class (${positives === 0 ? 0 : 1}); both classes 0 and 1 are needed`,
    );
  }
  return labels;
}

/** Rejects NaN and infinite values, naming the first offending cell. */
export function assertFinite(matrix: Matrix, context: string): void {
  const { data, rows } = matrix;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const j = Math.floor(k / rows);
      throw notFiniteError(context, matrix.columnNames[j], k - j * rows, data[k]);
    }
  }
}

/** The refusal of a NaN or infinite input cell (shared with the single-record path). */
export function notFiniteError(
  context: string,
  column: string,
  row: number,
  value: number,
): DomainError {
  return DomainError.invalid(
    `${context}: column ${column} row ${row} is ${value}; impute missing values first`,
  );
}

/** Rejects input whose columns differ from those seen at fit. */
export function assertSameColumns(
  seen: readonly string[],
  given: readonly string[],
  context: string,
): void {
  if (seen.length !== given.length || seen.some((name, j) => name !== given[j])) {
    throw DomainError.invalid(
      `${context}: expected columns [${seen.join(', ')}] as at fit, got [${given.join(', ')}]`,
    );
  }
}
