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
