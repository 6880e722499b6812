import { checkStepNames, flattenParams, routeParams } from './composite-params.js';
import {
  checkJson,
  isClassifier,
  isTransformer,
  SCHEMA_VERSION,
  type Classifier,
  type Contributions,
  type Estimator,
  type EstimatorJson,
  type Labels,
  type Params,
  type RowScorer,
  type RowTransform,
  type Transformer,
} from './estimator.js';
import { DomainError } from '../errors.js';
import type { TabularInput } from './frame.js';
import type { Matrix } from './matrix.js';
import { estimatorFromJSON } from './estimator-revival.js';
import { numericRowColumns, type Row, type RowColumn } from './row.js';

/** `[name, estimator]`; every step but the last must be a transformer. */
export type PipelineStep = readonly [name: string, estimator: Estimator];

/**
 * Steps applied in order: each transformer feeds the next, the last step is a transformer or
 * a classifier. A pipeline is itself an estimator, so it nests inside a ColumnTransformer,
 * and its hyperparameters are addressed by path (`model.learningRate`).
 * @example
 * const pipeline = new Pipeline([['scale', new StandardScaler()], ['model', new LogisticRegression()]]);
 * pipeline.setParams({ 'model.C': 0.5 }).fit(X, y).predictProba(X);
 */
export class Pipeline implements Transformer, Classifier {
  readonly kind = 'Pipeline';
  private readonly steps: PipelineStep[];

  constructor(steps: readonly PipelineStep[]) {
    if (steps.length === 0) throw DomainError.invalid('Pipeline needs at least one step');
    checkStepNames(
      this.kind,
      steps.map(([name]) => name),
    );
    steps.slice(0, -1).forEach(([name, estimator]) => {
      if (!isTransformer(estimator))
        throw DomainError.invalid(
          `Pipeline step ${name} (${estimator.kind}) must be a transformer`,
        );
    });
    this.steps = steps.map(([name, estimator]) => [name, estimator] as const);
  }

  get isFitted(): boolean {
    return this.steps.every(([, estimator]) => estimator.isFitted);
  }

  /** Warnings of every step, prefixed with the step name. */
  get warnings(): readonly string[] {
    return this.steps.flatMap(([name, estimator]) =>
      isClassifier(estimator) ? estimator.warnings.map((warning) => `${name}: ${warning}`) : [],
    );
  }

  /** The estimator registered under `name`. */
  step(name: string): Estimator {
    const found = this.steps.find(([stepName]) => stepName === name);
    if (!found) throw DomainError.invalid(`Pipeline has no step "${name}"`);
    return found[1];
  }

  getParams(): Params {
    return flattenParams({}, this.steps);
  }

  setParams(params: Params): this {
    const { own, byChild } = routeParams(
      this.kind,
      params,
      this.steps.map(([name]) => name),
    );
    const unknown = Object.keys(own);
    if (unknown.length > 0)
      throw DomainError.invalid(
        `Pipeline has no hyperparameter "${unknown[0]}"; address steps as step.param`,
      );
    for (const [name, updates] of byChild) this.step(name).setParams(updates);
    return this;
  }

  /** Sample weights reach the final estimator; the preprocessing steps fit unweighted. */
  fit(X: TabularInput, y?: Labels, sampleWeight?: ArrayLike<number>): this {
    const input = this.fitTransformPrefix(X, y);
    this.last().fit(input, y, sampleWeight);
    return this;
  }

  fitTransform(X: TabularInput, y?: Labels): Matrix {
    const input = this.fitTransformPrefix(X, y);
    const last = this.last();
    if (!isTransformer(last))
      throw DomainError.invalid(`Pipeline's last step ${last.kind} is not a transformer`);
    return last.fitTransform(input, y);
  }

  transform(X: TabularInput): Matrix {
    const last = this.last();
    if (!isTransformer(last))
      throw DomainError.invalid(`Pipeline's last step ${last.kind} is not a transformer`);
    return last.transform(this.transformPrefix(X));
  }

  predictProba(X: TabularInput): Float64Array {
    return this.classifier().predictProba(this.transformPrefix(X));
  }

  contributions(X: TabularInput): Contributions {
    return this.classifier().contributions(this.transformPrefix(X));
  }

  compileRowTransform(columns: readonly RowColumn[]): RowTransform {
    const last = this.last();
    if (!isTransformer(last))
      throw DomainError.invalid(`Pipeline's last step ${last.kind} is not a transformer`);
    const prefix = this.compileRowPrefix(columns);
    const tail = last.compileRowTransform(prefix.columns);
    return {
      columnNames: tail.columnNames,
      write: (row, out, offset) => tail.write(prefix.run(row), out, offset),
    };
  }

  compileRowScorer(columns: readonly RowColumn[]): RowScorer {
    const model = this.classifier();
    const prefix = this.compileRowPrefix(columns);
    const scorer = model.compileRowScorer(prefix.columns);
    return { features: scorer.features, score: (row) => scorer.score(prefix.run(row)) };
  }

  /**
   * The row path of every step but the last: each step writes into a buffer of its own
   * (allocated here, once), which is the next step's row.
   */
  private compileRowPrefix(columns: readonly RowColumn[]): {
    run: (row: Row) => Row;
    columns: readonly RowColumn[];
  } {
    const stages: RowTransform[] = [];
    const buffers: Float64Array[] = [];
    let current = columns;
    for (const [, estimator] of this.steps.slice(0, -1)) {
      const stage = (estimator as Transformer).compileRowTransform(current);
      stages.push(stage);
      buffers.push(new Float64Array(stage.columnNames.length));
      current = numericRowColumns(stage.columnNames);
    }
    const run = (row: Row): Row => {
      let input = row;
      for (let k = 0; k < stages.length; k++) {
        stages[k].write(input, buffers[k], 0);
        input = buffers[k];
      }
      return input;
    };
    return { run, columns: current };
  }

  /** The model's input: X through every step but the last. */
  transformPrefix(X: TabularInput): TabularInput {
    let current = X;
    for (const [, estimator] of this.steps.slice(0, -1))
      current = (estimator as Transformer).transform(current);
    return current;
  }

  toJSON(): EstimatorJson {
    return {
      schemaVersion: SCHEMA_VERSION,
      kind: this.kind,
      params: {},
      state: {
        steps: this.steps.map(([name, estimator]) => ({ name, estimator: estimator.toJSON() })),
      },
    };
  }

  static fromJSON(json: EstimatorJson): Pipeline {
    checkJson(json, 'Pipeline');
    const { steps } = json.state as { steps: { name: string; estimator: EstimatorJson }[] };
    return new Pipeline(
      steps.map(({ name, estimator }) => [name, estimatorFromJSON(estimator)] as const),
    );
  }

  private fitTransformPrefix(X: TabularInput, y?: Labels): TabularInput {
    let current = X;
    for (const [, estimator] of this.steps.slice(0, -1))
      current = (estimator as Transformer).fitTransform(current, y);
    return current;
  }

  private last(): Estimator {
    return this.steps[this.steps.length - 1][1];
  }

  private classifier(): Classifier {
    const last = this.last();
    if (!isClassifier(last))
      throw DomainError.invalid(`Pipeline's last step ${last.kind} is not a classifier`);
    return last;
  }
}
