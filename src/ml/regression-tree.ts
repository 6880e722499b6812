/**
 * A fitted regression tree in flat arrays (node 0 is the root). Internal nodes send a row
 * left when `x[feature] ≤ threshold`; leaves have feature −1. `value` is the node's shrunk
 * Newton step, kept for internal nodes too so predictions can be explained path by path.
 */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** A tree as plain arrays for JSON. */
export interface RegressionTreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export function treeToJson(tree: RegressionTree): RegressionTreeJson {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
  };
}

export function treeFromJson(json: RegressionTreeJson): RegressionTree {
  return {
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
  };
}

/** The leaf a row reaches; `valueOf(j)` reads the row's feature j. */
export function leafOf(tree: RegressionTree, valueOf: (feature: number) => number): number {
  let node = 0;
  while (tree.feature[node] >= 0)
    node = valueOf(tree.feature[node]) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return node;
}

/** Adds the tree's output for every row of a column-major matrix to `raw`. */
export function addTreePredictions(
  tree: RegressionTree,
  data: Float64Array,
  rows: number,
  raw: Float64Array,
): void {
  const { feature, threshold, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (feature[node] >= 0)
      node = data[feature[node] * rows + i] <= threshold[node] ? left[node] : right[node];
    raw[i] += value[node];
  }
}
