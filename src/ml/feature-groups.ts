import { sourceFeature } from './features.js';

/**
 * Groups model input columns by the feature they came from (one-hot `feature=level` columns
 * share a group), in order of first appearance, so contributions are reported per feature.
 */
export function featureGroups(columnNames: readonly string[]): {
  features: string[];
  groupOf: Int32Array;
} {
  const features: string[] = [];
  const index = new Map<string, number>();
  const groupOf = new Int32Array(columnNames.length);
  columnNames.forEach((name, j) => {
    const feature = sourceFeature(name);
    let group = index.get(feature);
    if (group === undefined) {
      group = features.length;
      features.push(feature);
      index.set(feature, group);
    }
    groupOf[j] = group;
  });
  return { features, groupOf };
}

/**
 * The runs of consecutive columns of one group (a one-hot feature's columns are adjacent):
 * run r is columns `start[r] … start[r + 1] − 1` of group `group[r]`, and `first[r]` is 1
 * when no earlier run has that group. A loop over runs can sum a group in a register instead
 * of storing and reloading it after every column.
 */
export function groupRuns(groupOf: Int32Array): {
  start: Int32Array;
  group: Int32Array;
  first: Uint8Array;
} {
  const start: number[] = [];
  const group: number[] = [];
  const first: number[] = [];
  groupOf.forEach((g, j) => {
    if (j > 0 && g === groupOf[j - 1]) return;
    first.push(group.includes(g) ? 0 : 1);
    start.push(j);
    group.push(g);
  });
  start.push(groupOf.length);
  return {
    start: Int32Array.from(start),
    group: Int32Array.from(group),
    first: Uint8Array.from(first),
  };
}
