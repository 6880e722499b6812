import { mulberry32 } from './prng.js';
import type { FeatureName, LabelledRespondent } from './record.js';
import { synthParamsSchema } from './synth-model.js';
import type { SynthFeature, SynthLevel, SynthParams } from './synth-model.js';
import defaultParamsJson from './synth-params.json' with { type: 'json' };

export { fitSynthModel } from './synth-fit.js';
export type { FitSynthOptions } from './synth-fit.js';
export { synthParamsSchema, SYNTH_PARAMS_VERSION } from './synth-model.js';
export type { SynthParams } from './synth-model.js';

let defaultParams: SynthParams | undefined;

/** The parameters shipped with the project (fitted on the development split of the Kaggle data). */
export function defaultSynthParams(): SynthParams {
  defaultParams ??= synthParamsSchema.parse(defaultParamsJson);
  return defaultParams;
}

export interface GenerateSyntheticOptions {
  rows: number;
  seed: number;
  /** Default: the shipped parameters. Untrusted documents should go through `synthParamsSchema` first. */
  params?: SynthParams;
}

/** A feature ready for sampling: cumulative shares per label and parent level. */
interface Sampler {
  field: FeatureName;
  parentIndex: number;
  cumulative: Float64Array[][];
  levels: SynthLevel[];
  feature: SynthFeature;
}

function cumulativeShares(probabilities: number[]): Float64Array {
  const total = probabilities.reduce((sum, p) => sum + p, 0);
  const cumulative = new Float64Array(probabilities.length);
  let running = 0;
  probabilities.forEach((p, i) => {
    running += p / total;
    cumulative[i] = running;
  });
  cumulative[cumulative.length - 1] = 1; // rounding in the stored figures must not leave a gap
  return cumulative;
}

function pick(cumulative: Float64Array, u: number): number {
  let i = 0;
  while (u >= cumulative[i] && i < cumulative.length - 1) i++;
  return i;
}

function valueOf(level: SynthLevel, feature: SynthFeature, random: () => number): string | number {
  if ('value' in level) return level.value;
  if (feature.type === 'integer')
    return level.min + Math.floor(random() * (level.max - level.min + 1));
  const factor = 10 ** (feature.decimals ?? 2);
  const value = Math.round((level.min + random() * (level.max - level.min)) * factor) / factor;
  return Math.min(level.max, Math.max(level.min, value));
}

/**
 * Streams synthetic labelled records drawn from fitted parameters. The same seed and
 * parameters always give the same rows, and rows are produced one at a time, so a million can
 * be written to a file without holding them in memory.
 *
 * @example
 * const lines = formatKaggleCsvLines(generateSynthetic({ rows: 1_000_000, seed: 1 }), { variant: 'quoted' });
 * await pipeline(Readable.from(lines), createWriteStream('synthetic.csv'));
 */
export function* generateSynthetic(
  options: GenerateSyntheticOptions,
): Generator<LabelledRespondent> {
  const { rows, seed } = options;
  if (!Number.isInteger(rows) || rows < 0)
    throw new RangeError(`rows must be a whole number ≥ 0, got ${rows}`);
  const params = options.params ?? defaultSynthParams();
  const random = mulberry32(seed);
  const position = new Map(params.order.map((field, i) => [field, i]));
  const samplers: Sampler[] = params.order.map((field) => {
    const feature = params.features[field];
    return {
      field,
      parentIndex: feature.parent === null ? -1 : (position.get(feature.parent) as number),
      cumulative: feature.probabilities.map((byParent) => byParent.map(cumulativeShares)),
      levels: feature.levels,
      feature,
    };
  });
  const levelIndex = new Int32Array(samplers.length);
  for (let row = 0; row < rows; row++) {
    const label = random() < params.positiveRate ? 1 : 0;
    const values: Record<string, string | number | null> = {};
    samplers.forEach((sampler, i) => {
      const parentLevel = sampler.parentIndex < 0 ? 0 : levelIndex[sampler.parentIndex];
      const level = pick(sampler.cumulative[label][parentLevel], random());
      levelIndex[i] = level;
      // Draw the value even when it will be blanked, so the missing share does not shift later draws.
      const value = valueOf(sampler.levels[level], sampler.feature, random);
      values[sampler.field] =
        sampler.feature.missing > 0 && random() < sampler.feature.missing ? null : value;
    });
    yield {
      gender: values.gender,
      age: values.age,
      city: values.city,
      profession: values.profession,
      academic_pressure: values.academic_pressure,
      work_pressure: values.work_pressure,
      cgpa: values.cgpa,
      study_satisfaction: values.study_satisfaction,
      job_satisfaction: values.job_satisfaction,
      sleep_duration: values.sleep_duration,
      dietary_habits: values.dietary_habits,
      degree: values.degree,
      suicidal_thoughts: values.suicidal_thoughts,
      work_study_hours: values.work_study_hours,
      financial_stress: values.financial_stress,
      family_history: values.family_history,
      depression: label,
    } as LabelledRespondent;
  }
}
