import { z } from 'zod';
import { FEATURE_NAMES, respondentSchema } from './record.js';
import type { FeatureName } from './record.js';

/** Version of the synthetic-model parameter document; bump on breaking changes. */
export const SYNTH_PARAMS_VERSION = 1;

const featureName = z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]]);

/**
 * One value band of a feature: a single value, or a numeric range sampled uniformly (whole
 * numbers for integer features, rounded to `decimals` for continuous ones).
 */
const levelSchema = z.union([
  z.strictObject({ value: z.union([z.string().min(1), z.number()]) }),
  z.strictObject({ min: z.number(), max: z.number() }),
]);

const probabilities = z.array(z.number().min(0));

const featureSchema = z.strictObject({
  type: z.enum(['category', 'integer', 'continuous']),
  /** Digits kept after the decimal point (continuous features). */
  decimals: z.number().int().min(0).max(6).optional(),
  levels: z.array(levelSchema).min(1),
  /** Share of rows with no value, applied independently of everything else. */
  missing: z.number().min(0).max(1),
  /** The one other feature this one depends on besides the label (tree-augmented naive Bayes). */
  parent: featureName.nullable(),
  /** probabilities[label][parent level][level]; a single parent level when there is no parent. */
  probabilities: z.array(z.array(probabilities).min(1)).length(2),
});

/**
 * Parameters of the synthetic generator: figures only (shares and value bands), never rows.
 * Every category and value here was held by at least `minCount` rows of the fitted data.
 */
export const synthParamsSchema = z
  .strictObject({
    version: z.literal(SYNTH_PARAMS_VERSION),
    description: z.string(),
    /** Rows the parameters were fitted on. */
    rows: z.number().int().min(1),
    minCount: z.number().int().min(1),
    positiveRate: z.number().min(0).max(1),
    /** Sampling order: every feature after its parent. */
    order: z.array(featureName),
    features: z.record(featureName, featureSchema),
  })
  .superRefine((params, context) => {
    const issue = (message: string) => context.addIssue({ code: 'custom', message });
    const seen = new Set<FeatureName>();
    for (const name of params.order) {
      const feature = params.features[name];
      if (feature.parent !== null && !seen.has(feature.parent))
        issue(`${name}: parent ${feature.parent} must come first in order`);
      seen.add(name);
      if (feature.missing > 0 && !respondentSchema.shape[name].safeParse(null).success) {
        issue(`${name}: cannot be missing, so its missing share must be 0`);
      }
      const parentLevels =
        feature.parent === null ? 1 : params.features[feature.parent].levels.length;
      for (const byParent of feature.probabilities) {
        if (byParent.length !== parentLevels)
          issue(`${name}: expected ${parentLevels} parent levels`);
        for (const row of byParent) {
          if (row.length !== feature.levels.length)
            issue(`${name}: expected ${feature.levels.length} probabilities`);
          if (!(row.reduce((sum, p) => sum + p, 0) > 0))
            issue(`${name}: probabilities sum to zero`);
        }
      }
    }
    if (seen.size !== FEATURE_NAMES.length || params.order.length !== FEATURE_NAMES.length) {
      issue(`order must list each of the ${FEATURE_NAMES.length} features once`);
    }
  });

export type SynthParams = z.infer<typeof synthParamsSchema>;
export type SynthFeature = SynthParams['features'][FeatureName];
export type SynthLevel = SynthFeature['levels'][number];

/**
 * The parameter document as reviewable JSON: two-space indents, but each list of numbers and
 * each value band on one line, so a diff shows which figures changed.
 */
export function serialiseSynthParams(params: SynthParams): string {
  const scalar = String.raw`(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|null|true|false)`;
  const numberList = new RegExp(String.raw`\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]`, 'g');
  const flatObject = new RegExp(
    String.raw`\{\s+("(?:[^"\\]|\\.)*": ${scalar}(?:,\s+"(?:[^"\\]|\\.)*": ${scalar})*)\s+\}`,
    'g',
  );
  return `${JSON.stringify(params, null, 2)
    .replace(numberList, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`)
    .replace(
      flatObject,
      (_, members: string) => `{ ${members.split(/,\s+(?=")/).join(', ')} }`,
    )}\n`;
}
