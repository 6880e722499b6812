import { z } from 'zod';
import { binEdges, binOf } from './binning.js';
import {
  BaseEstimator,
  assertFinite,
  assertSameColumns,
  validateLabels,
  validateWeights,
  type Classifier,
  type Contributions,
  type EstimatorJson,
  type Labels,
  type RowScore,
  type RowScorer,
} from './estimator.js';
import { featureGroups } from './feature-groups.js';
import { asMatrix, type TabularInput } from './frame.js';
import { sigmoid, softplus } from './linear-algebra.js';
import { createMatrix, type Matrix } from './matrix.js';
import { SeededRandom } from './random.js';
import { assertFiniteCells, numericCells, numericRowInput, type RowColumn } from './row.js';
import {
  addTreePredictions,
  treeFromJson,
  treeToJson,
  type RegressionTree,
  type RegressionTreeJson,
} from './regression-tree.js';
import { stratifiedTrainTestSplit } from './splits.js';
import { growTree, type BinnedData } from './tree-grower.js';

const paramsSchema = z
  .strictObject({
    learningRate: z.number().positive().finite(),
    maxIter: z.number().int().positive(),
    /** Leaves per tree (leaf-wise growth); null for no limit (then set maxDepth). */
    maxLeafNodes: z.number().int().min(2).nullable(),
    maxDepth: z.number().int().min(1).nullable(),
    minSamplesLeaf: z.number().int().min(1),
    /** L2 penalty on leaf values: a leaf's value is −G / (H + l2Regularization). */
    l2Regularization: z.number().min(0).finite(),
    maxBins: z.number().int().min(2).max(255),
    /** Fraction of training rows drawn (without replacement) for each tree. */
    subsample: z.number().gt(0).max(1),
    /** Fraction of features considered at each split. */
    maxFeatures: z.number().gt(0).max(1),
    /** 'auto' stops early when there are more than 10,000 rows, as scikit-learn. */
    earlyStopping: z.union([z.literal('auto'), z.boolean()]),
    validationFraction: z.number().gt(0).lt(1),
    nIterNoChange: z.number().int().min(1),
    /** Minimum validation-loss improvement over nIterNoChange iterations to go on. */
    tol: z.number().min(0).finite(),
    seed: z.number().int(),
  })
  .refine((p) => p.maxLeafNodes !== null || p.maxDepth !== null, {
    message: 'set maxLeafNodes or maxDepth (or both)',
  });
export type GradientBoostedTreesParams = z.infer<typeof paramsSchema>;

const DEFAULTS: GradientBoostedTreesParams = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 255,
  subsample: 1,
  maxFeatures: 1,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
};

const EARLY_STOPPING_MIN_ROWS = 10_000;
const MIN_HESSIAN_TO_SPLIT = 1e-3;

interface GradientBoostedTreesState {
  columnNames: string[];
  /** Log-odds of the training prior, the prediction before any tree. */
  baseline: number;
  trees: RegressionTreeJson[];
  /** Mean log-loss after 0, 1, … trees, on the training rows and (when early stopping) the validation rows. */
  trainLoss: number[];
  validationLoss: number[];
  warnings: string[];
}

/**
 * Histogram-based gradient-boosted trees for binary classification (log-loss), in the manner
 * of scikit-learn's HistGradientBoostingClassifier: features binned into ≤ 255 quantile bins,
 * trees grown leaf-wise, early stopping on a stratified validation fraction. Row and feature
 * subsampling draw from a PRNG seeded by `seed`, so a fit is deterministic.
 * @example new GradientBoostedTrees({ learningRate: 0.1, maxLeafNodes: 31 }).fit(X, y).predictProba(X)
 */
export class GradientBoostedTrees
  extends BaseEstimator<GradientBoostedTreesParams, GradientBoostedTreesState>
  implements Classifier
{
  readonly kind = 'GradientBoostedTrees';
  private treesCache: RegressionTree[] | null = null;

  constructor(params: Partial<GradientBoostedTreesParams> = {}) {
    super(DEFAULTS, params, paramsSchema as unknown as z.ZodType<GradientBoostedTreesParams>);
  }

  get warnings(): readonly string[] {
    return this.state?.warnings ?? [];
  }

  /** Number of trees built (fewer than maxIter after early stopping). */
  get nIter(): number {
    return this.fittedState().trees.length;
  }

  /** Per-iteration losses (index 0 is before the first tree); no validation loss without early stopping. */
  get fitSeries(): { train_loss: readonly number[]; validation_loss?: readonly number[] } {
    const { trainLoss, validationLoss } = this.fittedState();
    return {
      train_loss: [...trainLoss],
      ...(validationLoss.length ? { validation_loss: [...validationLoss] } : {}),
    };
  }

  fit(X: TabularInput, y?: Labels, sampleWeight?: ArrayLike<number>): this {
    const params = this.validatedParams();
    const matrix = asMatrix(X, this.kind);
    assertFinite(matrix, this.kind);
    const labels = validateLabels(y, matrix.rows, this.kind);
    const rowWeights = validateWeights(sampleWeight, matrix.rows, this.kind);
    const random = new SeededRandom(params.seed);
    const earlyStopping =
      params.earlyStopping === 'auto'
        ? matrix.rows > EARLY_STOPPING_MIN_ROWS
        : params.earlyStopping;

    let trainRows: Int32Array | null = null;
    let validationRows: Int32Array | null = null;
    if (earlyStopping) {
      const split = stratifiedTrainTestSplit(labels, {
        testFraction: params.validationFraction,
        seed: params.seed,
      });
      trainRows = split.train;
      validationRows = split.test;
    }
    const n = trainRows ? trainRows.length : matrix.rows;
    const rowOf = (k: number): number => (trainRows ? trainRows[k] : k);
    const trainLabels = Uint8Array.from({ length: n }, (_, k) => labels[rowOf(k)]);
    // Weights scale each row's gradient and hessian (and the prior), as in scikit-learn.
    const trainWeights = Float64Array.from({ length: n }, (_, k) => rowWeights?.[rowOf(k)] ?? 1);
    const binned = binTrainingRows(matrix, trainRows, params.maxBins);
    const validation = validationRows && {
      bins: binRows(matrix, validationRows, binned.edges),
      y: Uint8Array.from(validationRows, (i) => labels[i]),
    };

    let positives = 0;
    let totalWeight = 0;
    for (let k = 0; k < n; k++) {
      positives += trainWeights[k] * trainLabels[k];
      totalWeight += trainWeights[k];
    }
    const prior = Math.min(Math.max(positives / totalWeight, 1e-15), 1 - 1e-15);
    const baseline = Math.log(prior / (1 - prior));
    const raw = new Float64Array(n).fill(baseline);
    const validationRaw = validation ? new Float64Array(validation.y.length).fill(baseline) : null;
    const gradients = new Float64Array(n);
    const hessians = new Float64Array(n);
    const indices = new Int32Array(n);
    const sampleSize = Math.max(1, Math.floor(params.subsample * n));
    const sampleScratch = new Int32Array(n);

    const trees: RegressionTree[] = [];
    const trainLoss: number[] = [];
    const validationLoss =
      validation && validationRaw ? [meanLogLoss(validationRaw, validation.y)] : [];
    for (let iteration = 0; iteration < params.maxIter; iteration++) {
      // The probabilities of the gradient step also give the loss of the previous iteration.
      let loss = 0;
      for (let k = 0; k < n; k++) {
        const p = sigmoid(raw[k]);
        const label = trainLabels[k];
        gradients[k] = trainWeights[k] * (p - label);
        hessians[k] = trainWeights[k] * p * (1 - p);
        loss -= trainWeights[k] * Math.log(Math.min(Math.max(label === 1 ? p : 1 - p, 1e-15), 1));
      }
      trainLoss[iteration] = loss / totalWeight;
      const rowCount = params.subsample < 1 ? sampleSize : n;
      if (params.subsample < 1) indices.set(random.sample(n, sampleSize, sampleScratch));
      else for (let k = 0; k < n; k++) indices[k] = k;
      const grown = growTree(
        binned,
        gradients,
        hessians,
        indices.subarray(0, rowCount),
        {
          maxLeafNodes: params.maxLeafNodes,
          maxDepth: params.maxDepth,
          minSamplesLeaf: params.minSamplesLeaf,
          l2Regularization: params.l2Regularization,
          learningRate: params.learningRate,
          maxFeatures: params.maxFeatures,
          minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
        },
        random,
      );
      if (grown.tree.feature.length === 1) break; // no split gains anything: more trees would be identical stumps
      trees.push(grown.tree);
      if (params.subsample < 1) {
        addBinnedPredictions(grown.tree, binned.bins, binned.edges, n, raw);
      } else {
        for (const leaf of grown.leaves)
          for (let k = leaf.start; k < leaf.end; k++) raw[indices[k]] += leaf.value;
      }
      if (validation && validationRaw) {
        addBinnedPredictions(
          grown.tree,
          validation.bins,
          binned.edges,
          validation.y.length,
          validationRaw,
        );
        validationLoss.push(meanLogLoss(validationRaw, validation.y));
        if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) break;
      }
    }

    trainLoss[trees.length] = meanLogLoss(raw, trainLabels);
    trainLoss.length = trees.length + 1;
    this.treesCache = trees;
    this.state = {
      columnNames: [...matrix.columnNames],
      baseline,
      trees: trees.map(treeToJson),
      trainLoss,
      validationLoss,
      warnings:
        trees.length === 0
          ? ['no split improved the loss: the model predicts the training prior']
          : [],
    };
    return this;
  }

  /** Log-odds of class 1 per row. */
  decisionFunction(X: TabularInput): Float64Array {
    const state = this.fittedState();
    const matrix = this.checkedInput(X);
    const raw = new Float64Array(matrix.rows).fill(state.baseline);
    for (const tree of this.trees()) addTreePredictions(tree, matrix.data, matrix.rows, raw);
    return raw;
  }

  predictProba(X: TabularInput): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /**
   * Saabas path contributions: along each tree's path, the change in node value at a split is
   * credited to the split's feature (one-hot columns summed back to their feature). `base` is
   * the baseline plus every root's value, so base + Σ contributions = decisionFunction.
   */
  contributions(X: TabularInput): Contributions {
    const state = this.fittedState();
    const matrix = this.checkedInput(X);
    const { features, groupOf } = featureGroups(state.columnNames);
    const values = createMatrix(matrix.rows, features);
    const trees = this.trees();
    let base = state.baseline;
    for (const tree of trees) base += tree.value[0];
    const rows = matrix.rows;
    for (const tree of trees) {
      const { feature, threshold, left, right, value } = tree;
      for (let i = 0; i < rows; i++) {
        let node = 0;
        while (feature[node] >= 0) {
          const f = feature[node];
          const child = matrix.data[f * rows + i] <= threshold[node] ? left[node] : right[node];
          values.data[groupOf[f] * rows + i] += value[child] - value[node];
          node = child;
        }
      }
    }
    return { base, values };
  }

  compileRowScorer(columns: readonly RowColumn[]): RowScorer {
    const state = this.fittedState();
    const cellsOf = numericCells(numericRowInput(columns, state.columnNames, this.kind));
    const { columnNames, baseline } = state;
    const { roots, feature, threshold, left, right, value } = flattenTrees(this.trees());
    const { features, groupOf } = featureGroups(columnNames);
    let base = baseline;
    for (let t = 0; t < roots.length; t++) base += value[roots[t]];
    const result: RowScore = {
      probability: 0,
      base,
      contributions: new Float64Array(features.length),
    };
    const kind = this.kind;
    return {
      features,
      score(row) {
        const x = cellsOf(row);
        assertFiniteCells(x, columnNames, kind);
        // One walk per tree gives both decisionFunction and the Saabas contributions, with
        // their orders of additions (tree by tree, root to leaf).
        const contributions = result.contributions;
        contributions.fill(0);
        let raw = baseline;
        for (let t = 0; t < roots.length; t++) {
          let node = roots[t];
          let f = feature[node];
          while (f >= 0) {
            const child = x[f] <= threshold[node] ? left[node] : right[node];
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

  static fromJSON(json: EstimatorJson): GradientBoostedTrees {
    return new GradientBoostedTrees(json.params as GradientBoostedTreesParams).withStateOf(json);
  }

  private trees(): RegressionTree[] {
    this.treesCache ??= this.fittedState().trees.map(treeFromJson);
    return this.treesCache;
  }

  private checkedInput(X: TabularInput): Matrix {
    const matrix = asMatrix(X, this.kind);
    assertSameColumns(this.fittedState().columnNames, matrix.columnNames, this.kind);
    assertFinite(matrix, this.kind);
    return matrix;
  }
}

/**
 * All trees in one set of typed arrays, children as absolute node indices: the single-record
 * walk then reads no per-tree objects, which halved its time.
 */
function flattenTrees(trees: readonly RegressionTree[]): RegressionTree & { roots: Int32Array } {
  const total = trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const flat = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = offset;
    flat.feature.set(tree.feature, offset);
    flat.threshold.set(tree.threshold, offset);
    flat.value.set(tree.value, offset);
    for (let k = 0; k < tree.feature.length; k++) {
      flat.left[offset + k] = offset + tree.left[k];
      flat.right[offset + k] = offset + tree.right[k];
    }
    offset += tree.feature.length;
  });
  return flat;
}

/** scikit-learn's rule: stop when none of the last k losses beat the one before them by tol. */
function shouldStop(losses: readonly number[], nIterNoChange: number, tol: number): boolean {
  const referencePosition = nIterNoChange + 1;
  if (losses.length < referencePosition) return false;
  const reference = losses[losses.length - referencePosition] - tol;
  for (let k = losses.length - nIterNoChange; k < losses.length; k++)
    if (losses[k] < reference) return false;
  return true;
}

function meanLogLoss(raw: Float64Array, y: Uint8Array): number {
  let sum = 0;
  for (let k = 0; k < raw.length; k++) sum += softplus(raw[k]) - y[k] * raw[k];
  return sum / raw.length;
}

/** Bins the training rows and builds the sparse per-row layout (see BinnedData). */
function binTrainingRows(
  matrix: Matrix,
  rowsToUse: Int32Array | null,
  maxBins: number,
): BinnedData {
  const n = rowsToUse ? rowsToUse.length : matrix.rows;
  const p = matrix.cols;
  const edges: Float64Array[] = [];
  const values = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const offset = j * matrix.rows;
    for (let k = 0; k < n; k++) values[k] = matrix.data[offset + (rowsToUse ? rowsToUse[k] : k)];
    edges.push(binEdges(values, maxBins));
  }
  const bins = binRows(matrix, rowsToUse, edges);
  const binOffset = new Int32Array(p + 1);
  for (let j = 0; j < p; j++) binOffset[j + 1] = binOffset[j] + edges[j].length + 1;
  const defaultBin = new Int32Array(p);
  const rowStart = new Int32Array(n + 1);
  for (let j = 0; j < p; j++) {
    const counts = new Int32Array(edges[j].length + 1);
    const offset = j * n;
    for (let k = 0; k < n; k++) counts[bins[offset + k]]++;
    let mostFrequent = 0;
    for (let b = 1; b < counts.length; b++) if (counts[b] > counts[mostFrequent]) mostFrequent = b;
    defaultBin[j] = binOffset[j] + mostFrequent;
    for (let k = 0; k < n; k++) if (bins[offset + k] !== mostFrequent) rowStart[k + 1]++;
  }
  for (let k = 0; k < n; k++) rowStart[k + 1] += rowStart[k];
  const fill = rowStart.slice(0, n);
  const rowBins = new Uint16Array(rowStart[n]);
  for (let j = 0; j < p; j++) {
    const offset = j * n;
    const local = defaultBin[j] - binOffset[j];
    for (let k = 0; k < n; k++) {
      const b = bins[offset + k];
      if (b !== local) rowBins[fill[k]++] = binOffset[j] + b;
    }
  }
  return { rows: n, features: p, bins, binOffset, defaultBin, rowStart, rowBins, edges };
}

/** Column-major bins of the chosen rows (all rows when null). */
function binRows(
  matrix: Matrix,
  rowsToUse: Int32Array | null,
  edges: readonly Float64Array[],
): Uint8Array {
  const n = rowsToUse ? rowsToUse.length : matrix.rows;
  const bins = new Uint8Array(n * matrix.cols);
  for (let j = 0; j < matrix.cols; j++) {
    const offset = j * matrix.rows;
    const edge = edges[j];
    for (let k = 0; k < n; k++)
      bins[j * n + k] = binOf(matrix.data[offset + (rowsToUse ? rowsToUse[k] : k)], edge);
  }
  return bins;
}

/**
 * Tree outputs for binned rows. A split at real threshold edges[f][b] sends a row left exactly
 * when its bin is ≤ b, so comparing bins reproduces the real-valued traversal.
 */
function addBinnedPredictions(
  tree: RegressionTree,
  bins: Uint8Array,
  edges: readonly Float64Array[],
  rows: number,
  raw: Float64Array,
): void {
  const binThreshold = new Int32Array(tree.feature.length);
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] >= 0)
      binThreshold[node] = binOf(tree.threshold[node], edges[tree.feature[node]]);
  }
  const { feature, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (feature[node] >= 0)
      node = bins[feature[node] * rows + i] <= binThreshold[node] ? left[node] : right[node];
    raw[i] += value[node];
  }
}
