import { z } from 'zod';
import { FEATURE_NAMES, respondentSchema } from './record.js';
import type { FeatureName, LabelledRespondent } from './record.js';
import { SYNTH_PARAMS_VERSION, synthParamsSchema } from './synth-model.js';
import type { SynthFeature, SynthLevel, SynthParams } from './synth-model.js';

export interface FitSynthOptions {
  /** Values (and categories) held by fewer rows are merged away. Default 10. */
  minCount?: number;
  /** Bins for continuous features such as CGPA. Default 20. */
  continuousBins?: number;
  /** Largest parent × child level grid allowed for a dependency, so its table stays well filled. Default 600 (age × degree fits, city × degree does not). */
  maxPairCells?: number;
  /** Dependencies weaker than this conditional mutual information (nats) are left out. Default 0.002. */
  minDependence?: number;
  /** Pseudo-rows pulling a dependency's table towards the plain class-conditional shares. Default 20. */
  smoothing?: number;
  description?: string;
}

const OTHERS = 'Others';
/** Share of each tail left out of continuous bands, so extreme values (and the out-of-scale zeros) are not reproduced. */
const TAIL_SHARE = 0.001;
const PROBABILITY_DIGITS = 5;

/** A feature cut into levels, with the level of every training row (-1 = missing). */
interface Discretised {
  feature: Omit<SynthFeature, 'parent' | 'probabilities'>;
  levelOfRow: Int32Array;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function decimalsOf(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : text.length - dot - 1;
}

/** Whether a rare category may become 'Others' (free text, or an enum that has that option). */
function acceptsOthers(field: FeatureName): boolean {
  const schema = respondentSchema.shape[field];
  return !(schema instanceof z.ZodEnum) || (schema.options as readonly string[]).includes(OTHERS);
}

function discretiseCategory(
  field: FeatureName,
  values: (string | null)[],
  minCount: number,
): Discretised {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  const byCount = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = byCount
    .filter(([value, count]) => count >= minCount && value !== OTHERS)
    .map(([value]) => value);
  const rareTotal = byCount
    .filter(([value]) => !kept.includes(value))
    .reduce((sum, [, count]) => sum + count, 0);
  // Rare values become 'Others' when that group is itself common enough; else they join the most common value.
  const withOthers = rareTotal >= minCount && acceptsOthers(field);
  const levels = withOthers
    ? [...kept, OTHERS]
    : kept.length > 0
      ? kept
      : [byCount[0]?.[0] ?? OTHERS];
  const index = new Map(levels.map((value, i) => [value, i]));
  const fallback = withOthers ? levels.length - 1 : 0;
  return {
    feature: { type: 'category', levels: levels.map((value) => ({ value })), missing: 0 },
    levelOfRow: Int32Array.from(values, (value) =>
      value === null ? -1 : (index.get(value) ?? fallback),
    ),
  };
}

function discretiseInteger(values: (number | null)[], minCount: number): Discretised {
  const counts = new Map<number, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  const levels: SynthLevel[] = [];
  const levelOfValue = new Map<number, number>();
  const points: { value: number; level: number }[] = [];
  for (const value of distinct) {
    if ((counts.get(value) ?? 0) < minCount) continue;
    points.push({ value, level: levels.length });
    levelOfValue.set(value, levels.length);
    levels.push({ value });
  }
  // Runs of rare values between common ones: a range level if the run is common enough as a
  // whole, else each rare value joins the nearest common value.
  let run: number[] = [];
  const closeRun = () => {
    const total = run.reduce((sum, value) => sum + (counts.get(value) ?? 0), 0);
    if (total >= minCount || points.length === 0) {
      const level = levels.length;
      levels.push({ min: run[0], max: run[run.length - 1] });
      for (const value of run) levelOfValue.set(value, level);
    } else {
      for (const value of run) {
        const nearest = points.reduce((a, b) =>
          Math.abs(b.value - value) < Math.abs(a.value - value) ? b : a,
        );
        levelOfValue.set(value, nearest.level);
      }
    }
    run = [];
  };
  for (const value of distinct) {
    if (levelOfValue.has(value)) {
      if (run.length > 0) closeRun();
    } else {
      run.push(value);
    }
  }
  if (run.length > 0) closeRun();
  // Keep levels in value order so the parameter file reads naturally.
  const order = levels.map((level, i) => ({
    level,
    i,
    key: 'value' in level ? Number(level.value) : level.min,
  }));
  order.sort((a, b) => a.key - b.key);
  const remap = new Map(order.map(({ i }, position) => [i, position]));
  return {
    feature: { type: 'integer', levels: order.map(({ level }) => level), missing: 0 },
    levelOfRow: Int32Array.from(values, (value) =>
      value === null ? -1 : (remap.get(levelOfValue.get(value) as number) as number),
    ),
  };
}

function discretiseContinuous(
  values: (number | null)[],
  bins: number,
  minCount: number,
): Discretised {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const n = present.length;
  // At least minCount - 1 values are cut from each end, so no band edge is an individual's value.
  const cut = Math.min(Math.max(Math.floor(TAIL_SHARE * n), minCount - 1), Math.floor((n - 1) / 2));
  const low = cut;
  const high = n - 1 - cut;
  const trimmed = present.slice(low, high + 1);
  const binCount = Math.max(1, Math.min(bins, Math.floor(trimmed.length / minCount)));
  const decimals = Math.min(4, Math.max(0, ...present.map(decimalsOf)));
  const edges: number[] = [trimmed[0]];
  for (let b = 1; b < binCount; b++) {
    const edge = trimmed[Math.floor((b * trimmed.length) / binCount)];
    if (edge > edges[edges.length - 1]) edges.push(edge);
  }
  edges.push(trimmed[trimmed.length - 1]);
  if (edges.length === 1) edges.push(edges[0]);
  const levels: SynthLevel[] = edges.slice(0, -1).map((min, i) => ({ min, max: edges[i + 1] }));
  const levelOf = (value: number): number => {
    let level = 0;
    while (level < levels.length - 1 && value >= edges[level + 1]) level++;
    return level;
  };
  return {
    feature: { type: 'continuous', decimals, levels, missing: 0 },
    levelOfRow: Int32Array.from(values, (value) => (value === null ? -1 : levelOf(value))),
  };
}

function discretise(
  field: FeatureName,
  records: readonly LabelledRespondent[],
  options: Required<FitSynthOptions>,
): Discretised {
  const values = records.map((record) => record[field]);
  const present = values.filter((value) => value !== null);
  let result: Discretised;
  if (present.some((value) => typeof value === 'string')) {
    result = discretiseCategory(field, values as (string | null)[], options.minCount);
  } else if (present.every((value) => Number.isInteger(value))) {
    result = discretiseInteger(values as (number | null)[], options.minCount);
  } else {
    result = discretiseContinuous(
      values as (number | null)[],
      options.continuousBins,
      options.minCount,
    );
  }
  const missing = values.length - present.length;
  result.feature.missing = round(missing / values.length, 6);
  return result;
}

/** counts[label][level] over rows where the feature is present. */
function classCounts(levelOfRow: Int32Array, labels: Uint8Array, levels: number): number[][] {
  const counts = [new Array<number>(levels).fill(0), new Array<number>(levels).fill(0)];
  for (let row = 0; row < labels.length; row++)
    if (levelOfRow[row] >= 0) counts[labels[row]][levelOfRow[row]]++;
  return counts;
}

/** counts[label][parent level][child level] over rows where both are present. */
function jointCounts(
  child: Int32Array,
  parent: Int32Array,
  labels: Uint8Array,
  childLevels: number,
  parentLevels: number,
): number[][][] {
  const counts = [0, 1].map(() =>
    Array.from({ length: parentLevels }, () => new Array<number>(childLevels).fill(0)),
  );
  for (let row = 0; row < labels.length; row++) {
    if (child[row] >= 0 && parent[row] >= 0) counts[labels[row]][parent[row]][child[row]]++;
  }
  return counts;
}

/** I(child; parent | label) in nats, from joint counts. */
function conditionalMutualInformation(joint: number[][][]): number {
  const total = joint.flat(2).reduce((sum, count) => sum + count, 0);
  let information = 0;
  for (const byParent of joint) {
    const labelTotal = byParent.flat().reduce((sum, count) => sum + count, 0);
    const childTotals = byParent[0].map((_, c) => byParent.reduce((sum, row) => sum + row[c], 0));
    for (const row of byParent) {
      const parentTotal = row.reduce((sum, count) => sum + count, 0);
      row.forEach((count, c) => {
        if (count > 0)
          information +=
            (count / total) * Math.log((count * labelTotal) / (parentTotal * childTotals[c]));
      });
    }
  }
  return information;
}

/** Upper 0.1% point of χ² with `df` degrees of freedom (Wilson–Hilferty approximation). */
function chiSquareCritical(df: number): number {
  const z = 3.09;
  const v = 2 / (9 * df);
  return df * (1 - v + z * Math.sqrt(v)) ** 3;
}

function normalise(counts: number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) =>
    round(total > 0 ? count / total : 1 / counts.length, PROBABILITY_DIGITS),
  );
}

/** Mutual information of a feature with the label (nats), to pick the root of each dependency tree. */
function informationWithLabel(counts: number[][]): number {
  const total = counts.flat().reduce((sum, count) => sum + count, 0);
  const labelTotals = counts.map((row) => row.reduce((sum, count) => sum + count, 0));
  let information = 0;
  counts[0].forEach((_, level) => {
    const levelTotal = counts[0][level] + counts[1][level];
    for (const label of [0, 1]) {
      const count = counts[label][level];
      if (count > 0)
        information +=
          (count / total) * Math.log((count * total) / (labelTotals[label] * levelTotal));
    }
  });
  return information;
}

/**
 * Fits the synthetic generator: the label rate, each feature's value bands and their shares
 * given the label, and the strongest pairwise dependencies between features given the label
 * (a tree-augmented naive Bayes: each feature may depend on one other feature besides the label,
 * chosen by conditional mutual information, Chow–Liu style). The result is a small document of
 * figures that can be published: no rows, no value held by fewer than `minCount` rows.
 *
 * @example
 * const params = fitSynthModel(records);
 * for (const record of generateSynthetic({ rows: 1000, seed: 7, params })) …
 */
export function fitSynthModel(
  records: readonly LabelledRespondent[],
  options: FitSynthOptions = {},
): SynthParams {
  const settings: Required<FitSynthOptions> = {
    minCount: options.minCount ?? 10,
    continuousBins: options.continuousBins ?? 20,
    maxPairCells: options.maxPairCells ?? 600,
    minDependence: options.minDependence ?? 0.002,
    smoothing: options.smoothing ?? 20,
    description: options.description ?? 'Synthetic Student Depression generator parameters',
  };
  if (records.length === 0) throw new RangeError('fitSynthModel needs at least one record');
  const labels = Uint8Array.from(records, (record) => record.depression);
  const positives = labels.reduce((sum, label) => sum + label, 0);
  const discretised = new Map(
    FEATURE_NAMES.map((field) => [field, discretise(field, records, settings)]),
  );
  const levelsOf = (field: FeatureName) => discretised.get(field)!.feature.levels.length;
  const marginals = new Map(
    FEATURE_NAMES.map((field) => [
      field,
      classCounts(discretised.get(field)!.levelOfRow, labels, levelsOf(field)),
    ]),
  );

  // Candidate dependencies, strongest first; Kruskal keeps those that do not close a cycle.
  const candidates: { a: FeatureName; b: FeatureName; information: number }[] = [];
  FEATURE_NAMES.forEach((a, i) => {
    for (const b of FEATURE_NAMES.slice(i + 1)) {
      if (levelsOf(a) < 2 || levelsOf(b) < 2 || levelsOf(a) * levelsOf(b) > settings.maxPairCells)
        continue;
      const joint = jointCounts(
        discretised.get(b)!.levelOfRow,
        discretised.get(a)!.levelOfRow,
        labels,
        levelsOf(b),
        levelsOf(a),
      );
      const information = conditionalMutualInformation(joint);
      const degreesOfFreedom = 2 * (levelsOf(a) - 1) * (levelsOf(b) - 1);
      // G-test: 2N·I is χ²-distributed under independence, so noise alone can exceed a fixed bar.
      const significant = 2 * records.length * information > chiSquareCritical(degreesOfFreedom);
      if (significant && information >= settings.minDependence)
        candidates.push({ a, b, information });
    }
  });
  candidates.sort((x, y) => y.information - x.information || (x.a + x.b < y.a + y.b ? -1 : 1));
  const component = new Map(FEATURE_NAMES.map((field) => [field, field]));
  const find = (field: FeatureName): FeatureName => {
    while (component.get(field) !== field) field = component.get(field)!;
    return field;
  };
  const neighbours = new Map(FEATURE_NAMES.map((field) => [field, [] as FeatureName[]]));
  for (const { a, b } of candidates) {
    const [rootA, rootB] = [find(a), find(b)];
    if (rootA === rootB) continue;
    component.set(rootA, rootB);
    neighbours.get(a)!.push(b);
    neighbours.get(b)!.push(a);
  }

  // Root each tree at its feature most informative about the label, then walk it breadth-first.
  const parentOf = new Map<FeatureName, FeatureName | null>();
  const order: FeatureName[] = [];
  const byLabelInformation = [...FEATURE_NAMES].sort(
    (x, y) => informationWithLabel(marginals.get(y)!) - informationWithLabel(marginals.get(x)!),
  );
  for (const root of byLabelInformation) {
    if (parentOf.has(root)) continue;
    parentOf.set(root, null);
    const queue = [root];
    while (queue.length > 0) {
      const field = queue.shift()!;
      order.push(field);
      for (const next of neighbours.get(field)!) {
        if (parentOf.has(next)) continue;
        parentOf.set(next, field);
        queue.push(next);
      }
    }
  }

  const features = Object.fromEntries(
    FEATURE_NAMES.map((field) => {
      const { feature, levelOfRow } = discretised.get(field)!;
      const parent = parentOf.get(field) ?? null;
      const marginal = marginals.get(field)!;
      let probabilities: number[][][];
      if (parent === null) {
        probabilities = marginal.map((counts) => [normalise(counts)]);
      } else {
        const joint = jointCounts(
          levelOfRow,
          discretised.get(parent)!.levelOfRow,
          labels,
          feature.levels.length,
          levelsOf(parent),
        );
        // Shrink sparse cells towards the class-conditional shares rather than trusting a handful of rows.
        probabilities = joint.map((byParent, label) => {
          const prior = normalise(marginal[label]);
          return byParent.map((counts) =>
            normalise(counts.map((count, level) => count + settings.smoothing * prior[level])),
          );
        });
      }
      return [field, { ...feature, parent, probabilities }];
    }),
  );

  return synthParamsSchema.parse({
    version: SYNTH_PARAMS_VERSION,
    description: settings.description,
    rows: records.length,
    minCount: settings.minCount,
    positiveRate: round(positives / records.length, PROBABILITY_DIGITS),
    order,
    features,
  });
}
