/**
 * Bin edges for one feature, as scikit-learn's HistGradientBoosting: midpoints between
 * distinct values when there are at most `maxBins` of them, otherwise midpoint percentiles.
 * A value x falls in the first bin b with x ≤ edges[b], or in the last bin (edges.length).
 */
export function binEdges(values: ArrayLike<number>, maxBins: number): Float64Array {
  // Most columns (one-hot, 1–5 scales) have a handful of values: find them without sorting.
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size <= maxBins; i++) seen.add(values[i]);
  if (seen.size <= maxBins) {
    const distinct = Float64Array.from(seen).sort();
    const edges = new Float64Array(Math.max(0, distinct.length - 1));
    for (let b = 0; b < edges.length; b++) edges[b] = (distinct[b] + distinct[b + 1]) / 2;
    return edges;
  }
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const edge = percentileMidpoint(sorted, k / maxBins);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/** numpy's percentile with method="midpoint". */
function percentileMidpoint(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return (sorted[lower] + sorted[upper]) / 2;
}

/** The bin of x (binary search for the first edge ≥ x). */
export function binOf(x: number, edges: Float64Array): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (x <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}
