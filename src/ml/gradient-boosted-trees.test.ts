import { describe, expect, it } from 'vitest';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { matrixFromColumns } from './matrix.js';
import { rocAuc } from './metrics.js';
import { SeededRandom } from './random.js';
import { logisticProblem } from './testing/gaussian.js';

interface TreeJson {
  feature: number[];
  value: number[];
  left: number[];
  right: number[];
}
const treesOf = (model: GradientBoostedTrees): TreeJson[] =>
  (model.toJSON().state as { trees: TreeJson[] }).trees;
const leafCount = (tree: TreeJson): number => tree.feature.filter((f) => f < 0).length;
const depthOf = (tree: TreeJson, node = 0): number =>
  tree.feature[node] < 0
    ? 0
    : 1 + Math.max(depthOf(tree, tree.left[node]), depthOf(tree, tree.right[node]));

describe('GradientBoostedTrees', () => {
  it('learns a threshold rule', () => {
    const random = new SeededRandom(1);
    const x = Float64Array.from({ length: 400 }, () => random.next());
    const y = Uint8Array.from(x, (v) => (v > 0.6 ? 1 : 0));
    const X = matrixFromColumns([x], ['x']);
    const model = new GradientBoostedTrees({ maxIter: 30 }).fit(X, y);
    const p = model.predictProba(X);
    expect(rocAuc(y, p)).toBe(1);
    expect(p.every((v, i) => (y[i] === 1 ? v > 0.8 : v < 0.2))).toBe(true);
    expect(treesOf(model)[0].feature[0]).toBe(0);
  });

  it('respects maxLeafNodes and maxDepth', () => {
    const { X, y } = logisticProblem(3_000, [1, -1, 0.5, 0.2], 0, 2);
    for (const tree of treesOf(new GradientBoostedTrees({ maxIter: 5, maxLeafNodes: 7 }).fit(X, y)))
      expect(leafCount(tree)).toBeLessThanOrEqual(7);
    const shallow = new GradientBoostedTrees({ maxIter: 5, maxLeafNodes: null, maxDepth: 2 }).fit(
      X,
      y,
    );
    for (const tree of treesOf(shallow)) {
      expect(depthOf(tree)).toBeLessThanOrEqual(2);
      expect(leafCount(tree)).toBeLessThanOrEqual(4);
    }
    expect(() =>
      new GradientBoostedTrees({ maxLeafNodes: null, maxDepth: null }).fit(X, y),
    ).toThrow(/set maxLeafNodes or maxDepth/);
  });

  it('keeps every leaf at or above minSamplesLeaf (a stump cannot split 30 rows with 20 per leaf)', () => {
    const { X, y } = logisticProblem(30, [3], 0, 3);
    const model = new GradientBoostedTrees({ minSamplesLeaf: 20, maxIter: 3 }).fit(X, y);
    expect(model.nIter).toBe(0);
    expect(model.warnings.join()).toMatch(/no split improved/);
  });

  it('shrinks leaf values with l2Regularization', () => {
    const { X, y } = logisticProblem(500, [2], 0, 4);
    const firstLeafScale = (l2: number): number =>
      Math.max(
        ...treesOf(
          new GradientBoostedTrees({ maxIter: 1, l2Regularization: l2 }).fit(X, y),
        )[0].value.map(Math.abs),
      );
    expect(firstLeafScale(100)).toBeLessThan(firstLeafScale(0));
  });

  it('stops early on the validation loss and records the loss curves', () => {
    const { X, y } = logisticProblem(12_000, [0.8, -0.5], 0, 5);
    const model = new GradientBoostedTrees({ maxIter: 300 }).fit(X, y); // 'auto': on above 10,000 rows
    expect(model.nIter).toBeLessThan(300);
    const { train_loss: train, validation_loss: validation = [] } = model.fitSeries;
    expect(train).toHaveLength(model.nIter + 1);
    expect(validation).toHaveLength(model.nIter + 1);
    expect(train[train.length - 1]).toBeLessThan(train[0]);
    const noStop = new GradientBoostedTrees({ maxIter: 20, earlyStopping: false }).fit(X, y);
    expect(noStop.nIter).toBe(20);
    expect(noStop.fitSeries.validation_loss).toBeUndefined();
  });

  it('is deterministic for a seed with row and feature subsampling, and the seed matters', () => {
    const { X, y } = logisticProblem(2_000, [1, -1, 0.5, 0.3, 0.1], 0, 6);
    const fit = (seed: number): string =>
      JSON.stringify(
        new GradientBoostedTrees({ maxIter: 10, subsample: 0.7, maxFeatures: 0.5, seed })
          .fit(X, y)
          .toJSON(),
      );
    expect(fit(1)).toBe(fit(1));
    expect(fit(1)).not.toBe(fit(2));
  });

  it('explains predictions (Saabas): base + Σ contributions = log-odds', () => {
    const { X, y } = logisticProblem(1_000, [1.5, 0], 0, 7);
    const model = new GradientBoostedTrees({ maxIter: 20 }).fit(X, y);
    const { base, values } = model.contributions(X);
    const z = model.decisionFunction(X);
    for (const i of [0, 10, 500, 999])
      expect(base + values.data[i] + values.data[1000 + i]).toBeCloseTo(z[i], 10);
    // x0 carries the signal, x1 is noise.
    const spread = (j: number): number =>
      Math.max(...values.data.subarray(j * 1000, (j + 1) * 1000)) -
      Math.min(...values.data.subarray(j * 1000, (j + 1) * 1000));
    expect(spread(0)).toBeGreaterThan(spread(1));
  });
});
