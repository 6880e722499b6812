import type { SeededRandom } from './random.js';
import type { RegressionTree } from './regression-tree.js';

/**
 * The training data of one boosting run, binned once. Rows are stored twice: column-major
 * bins to partition a node on its split feature, and per row only the bins that differ from
 * the feature's most frequent ("default") bin, to build histograms. The default bin's sums are
 * then the node total minus the other bins, so the many zero one-hot entries cost nothing —
 * the same sparse trick as LightGBM.
 */
export interface BinnedData {
  readonly rows: number;
  readonly features: number;
  /** Column-major bin per row and feature. */
  readonly bins: Uint8Array;
  /** Start of each feature's bins in the global bin numbering; length features + 1. */
  readonly binOffset: Int32Array;
  /** Global index of each feature's default bin. */
  readonly defaultBin: Int32Array;
  /** CSR over rows of the global indices of non-default bins. */
  readonly rowStart: Int32Array;
  readonly rowBins: Uint16Array;
  /** Real-valued upper edge of each bin, per feature (to store thresholds on raw values). */
  readonly edges: readonly Float64Array[];
}

export interface GrowthOptions {
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  learningRate: number;
  /** Fraction of features considered at each split (1 = all). */
  maxFeatures: number;
  minHessianToSplit: number;
}

interface NodeInProgress {
  id: number;
  start: number;
  end: number;
  depth: number;
  gradient: number;
  hessian: number;
  histogram: Float64Array | null;
  split: Split | null;
}

interface Split {
  feature: number;
  /** Rows with bin ≤ this go left. */
  bin: number;
  gain: number;
}

/** Where each leaf's rows sit in the index array, to update training predictions without traversal. */
export interface GrownTree {
  tree: RegressionTree;
  leaves: { start: number; end: number; value: number }[];
}

/**
 * Grows one tree leaf-wise (best-first, as LightGBM and scikit-learn's HistGradientBoosting):
 * the leaf whose best split gains most is split next, until `maxLeafNodes` leaves or no split
 * gains. A child's histogram is built for the smaller child only; the larger one is the
 * parent's minus the smaller's. `indices` (the rows of this tree) is reordered in place.
 */
export function growTree(
  data: BinnedData,
  gradients: Float64Array,
  hessians: Float64Array,
  indices: Int32Array,
  options: GrowthOptions,
  random: SeededRandom,
): GrownTree {
  const totalBins = data.binOffset[data.features];
  const histogramSize = 3 * totalBins;
  const spareHistograms: Float64Array[] = [];
  const takeHistogram = (): Float64Array =>
    spareHistograms.pop() ?? new Float64Array(histogramSize);
  const scratch = new Int32Array(indices.length);
  const featureScratch = new Int32Array(data.features);
  const maxLeaves = options.maxLeafNodes ?? Number.POSITIVE_INFINITY;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const lambda = options.l2Regularization;

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const newNode = (gradient: number, hessian: number): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push((-gradient / (hessian + lambda)) * options.learningRate);
    return feature.length - 1;
  };

  const buildHistogram = (
    histogram: Float64Array,
    start: number,
    end: number,
  ): { gradient: number; hessian: number } => {
    histogram.fill(0);
    const { rowStart, rowBins } = data;
    let gradientSum = 0;
    let hessianSum = 0;
    for (let k = start; k < end; k++) {
      const i = indices[k];
      const g = gradients[i];
      const h = hessians[i];
      gradientSum += g;
      hessianSum += h;
      for (let e = rowStart[i], last = rowStart[i + 1]; e < last; e++) {
        const b = 3 * rowBins[e];
        histogram[b] += g;
        histogram[b + 1] += h;
        histogram[b + 2] += 1;
      }
    }
    fillDefaultBins(histogram, data, gradientSum, hessianSum, end - start);
    return { gradient: gradientSum, hessian: hessianSum };
  };

  const canSplit = (node: NodeInProgress): boolean =>
    node.depth < maxDepth &&
    node.end - node.start >= 2 * options.minSamplesLeaf &&
    node.hessian >= 2 * options.minHessianToSplit;

  const findSplit = (node: NodeInProgress): Split | null => {
    const histogram = node.histogram!;
    const count = node.end - node.start;
    const parentScore = (node.gradient * node.gradient) / (node.hessian + lambda);
    let best: Split | null = null;
    const candidates =
      options.maxFeatures < 1
        ? random.sample(
            data.features,
            Math.max(1, Math.floor(options.maxFeatures * data.features)),
            featureScratch,
          )
        : null;
    const featureCount = candidates ? candidates.length : data.features;
    for (let c = 0; c < featureCount; c++) {
      const f = candidates ? candidates[c] : c;
      const first = data.binOffset[f];
      const last = data.binOffset[f + 1] - 1; // the last bin cannot be the left side's end
      let gradientLeft = 0;
      let hessianLeft = 0;
      let countLeft = 0;
      for (let b = first; b < last; b++) {
        gradientLeft += histogram[3 * b];
        hessianLeft += histogram[3 * b + 1];
        countLeft += histogram[3 * b + 2];
        if (countLeft < options.minSamplesLeaf || hessianLeft < options.minHessianToSplit) continue;
        const countRight = count - countLeft;
        if (countRight < options.minSamplesLeaf) break;
        const hessianRight = node.hessian - hessianLeft;
        if (hessianRight < options.minHessianToSplit) continue;
        const gradientRight = node.gradient - gradientLeft;
        const gain =
          (gradientLeft * gradientLeft) / (hessianLeft + lambda) +
          (gradientRight * gradientRight) / (hessianRight + lambda) -
          parentScore;
        if (gain > 0 && (best === null || gain > best.gain))
          best = { feature: f, bin: b - first, gain };
      }
    }
    return best;
  };

  /** Stable partition of the node's rows: bin ≤ split.bin first. Returns the boundary. */
  const partition = (node: NodeInProgress, split: Split): number => {
    const bins = data.bins.subarray(split.feature * data.rows, (split.feature + 1) * data.rows);
    const bin = split.bin;
    const end = node.end;
    let low = node.start;
    let high = 0;
    for (let k = node.start; k < end; k++) {
      const i = indices[k];
      if (bins[i] <= bin) indices[low++] = i;
      else scratch[high++] = i;
    }
    indices.set(scratch.subarray(0, high), low);
    return low;
  };

  const rootHistogram = takeHistogram();
  const rootTotals = buildHistogram(rootHistogram, 0, indices.length);
  const root: NodeInProgress = {
    id: newNode(rootTotals.gradient, rootTotals.hessian),
    start: 0,
    end: indices.length,
    depth: 0,
    ...rootTotals,
    histogram: rootHistogram,
    split: null,
  };
  const open: NodeInProgress[] = []; // leaves that may still be split
  const leaves: NodeInProgress[] = [];
  if (canSplit(root) && maxLeaves > 1) {
    root.split = findSplit(root);
  }
  (root.split ? open : leaves).push(root);
  let leafCount = 1;

  while (open.length > 0) {
    let bestPosition = 0;
    for (let k = 1; k < open.length; k++)
      if (open[k].split!.gain > open[bestPosition].split!.gain) bestPosition = k;
    const node = open.splice(bestPosition, 1)[0];
    if (leafCount >= maxLeaves) {
      leaves.push(node);
      continue;
    }
    const split = node.split!;
    const boundary = partition(node, split);
    leafCount += 1;

    const leftIsSmaller = boundary - node.start <= node.end - boundary;
    const smallRange = leftIsSmaller ? [node.start, boundary] : [boundary, node.end];
    const largeRange = leftIsSmaller ? [boundary, node.end] : [node.start, boundary];
    const childMaySplit = (size: number): boolean =>
      node.depth + 1 < maxDepth && size >= 2 * options.minSamplesLeaf;
    const wantsChildren =
      leafCount < maxLeaves &&
      (childMaySplit(boundary - node.start) || childMaySplit(node.end - boundary));
    let smallHistogram: Float64Array | null = null;
    let smallTotals: { gradient: number; hessian: number };
    if (wantsChildren) {
      smallHistogram = takeHistogram();
      smallTotals = buildHistogram(smallHistogram, smallRange[0], smallRange[1]);
    } else {
      smallTotals = sumRange(indices, gradients, hessians, smallRange[0], smallRange[1]);
    }
    const largeTotals = {
      gradient: node.gradient - smallTotals.gradient,
      hessian: node.hessian - smallTotals.hessian,
    };
    let largeHistogram: Float64Array | null = null;
    if (wantsChildren && smallHistogram) {
      largeHistogram = node.histogram!; // reuse the parent's buffer: parent − small, in place
      for (let b = 0; b < histogramSize; b++) largeHistogram[b] -= smallHistogram[b];
    } else if (node.histogram) {
      spareHistograms.push(node.histogram);
    }
    node.histogram = null;

    const small: NodeInProgress = {
      id: newNode(smallTotals.gradient, smallTotals.hessian),
      start: smallRange[0],
      end: smallRange[1],
      depth: node.depth + 1,
      ...smallTotals,
      histogram: smallHistogram,
      split: null,
    };
    const large: NodeInProgress = {
      id: newNode(largeTotals.gradient, largeTotals.hessian),
      start: largeRange[0],
      end: largeRange[1],
      depth: node.depth + 1,
      ...largeTotals,
      histogram: largeHistogram,
      split: null,
    };
    const [leftChild, rightChild] = leftIsSmaller ? [small, large] : [large, small];
    feature[node.id] = split.feature;
    threshold[node.id] = data.edges[split.feature][split.bin];
    left[node.id] = leftChild.id;
    right[node.id] = rightChild.id;

    for (const child of [leftChild, rightChild]) {
      if (child.histogram && canSplit(child)) child.split = findSplit(child);
      if (child.split) open.push(child);
      else {
        if (child.histogram) spareHistograms.push(child.histogram);
        child.histogram = null;
        leaves.push(child);
      }
    }
  }

  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    },
    leaves: leaves.map((leaf) => ({ start: leaf.start, end: leaf.end, value: value[leaf.id] })),
  };
}

function sumRange(
  indices: Int32Array,
  gradients: Float64Array,
  hessians: Float64Array,
  start: number,
  end: number,
) {
  let gradient = 0;
  let hessian = 0;
  for (let k = start; k < end; k++) {
    gradient += gradients[indices[k]];
    hessian += hessians[indices[k]];
  }
  return { gradient, hessian };
}

/** The default bins were skipped while summing rows: they hold the rest of the node's totals. */
function fillDefaultBins(
  histogram: Float64Array,
  data: BinnedData,
  gradient: number,
  hessian: number,
  count: number,
): void {
  for (let f = 0; f < data.features; f++) {
    const defaultBin = data.defaultBin[f];
    let g = gradient;
    let h = hessian;
    let c = count;
    for (let b = data.binOffset[f]; b < data.binOffset[f + 1]; b++) {
      if (b === defaultBin) continue;
      g -= histogram[3 * b];
      h -= histogram[3 * b + 1];
      c -= histogram[3 * b + 2];
    }
    histogram[3 * defaultBin] = g;
    histogram[3 * defaultBin + 1] = h;
    histogram[3 * defaultBin + 2] = c;
  }
}
