import { z } from 'zod';
import { FEATURE_NAMES, type FeatureName } from '../data/record.js';
import { ColumnTransformer } from './column-transformer.js';
import { DomainError } from '../errors.js';
import type { Params, Transformer } from './estimator.js';
import {
  CATEGORICAL_FEATURES,
  NUMERIC_FEATURES,
  ORDINAL_FEATURES,
  SLEEP_HOURS,
} from './features.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { Pipeline } from './pipeline.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';

const paramValue: z.ZodType<Params[string]> = z.lazy(() =>
  z.union([
    z.number(),
    z.string(),
    z.boolean(),
    z.null(),
    z.array(paramValue),
    z.record(z.string(), paramValue),
  ]),
);

/** The model families sdp can train: the one list config, tuning and artifacts refer to. */
export const MODEL_FAMILIES = ['logistic', 'gbdt'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/**
 * What to train: the model family, its hyperparameters, and optional preprocessing
 * hyperparameters as pipeline paths (e.g. `{ 'preprocess.categorical.minFrequency': 20 }`).
 */
export const modelSpecSchema = z.strictObject({
  model: z.enum(MODEL_FAMILIES),
  params: z.record(z.string(), paramValue).default({}),
  preprocessing: z.record(z.string(), paramValue).default({}),
  /**
   * Factors the model must not use. Gender is excluded by default in config: it carries no
   * signal in the data, and a screening score must not change with it.
   */
  exclude: z.array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]])).default([]),
});
export type ModelSpec = z.input<typeof modelSpecSchema>;

/** Categories rarer than this many training rows share the `other` column (the junk cities have 1–2). */
export const DEFAULT_MIN_CATEGORY_FREQUENCY = 10;

/** Parses an untrusted spec (config, job payload, worker message). */
export function parseModelSpec(input: unknown): z.output<typeof modelSpecSchema> {
  const result = modelSpecSchema.safeParse(input);
  if (!result.success)
    throw DomainError.invalid(`invalid model spec: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * The full pipeline from respondent records to P(depression): numeric factors imputed
 * (median) and, for the logistic model, standardised; sleep duration mapped to hours;
 * categorical factors one-hot encoded with rare levels grouped. Training, cross-validation
 * workers and serving all build models here, so they share one preprocessing.
 * @example buildPipeline({ model: 'gbdt', params: { learningRate: 0.05 } }).fit(records, labels)
 */
export function buildPipeline(spec: ModelSpec): Pipeline {
  const { model, params, preprocessing, exclude } = parseModelSpec(spec);
  const keep = <T extends string>(features: readonly T[]) =>
    features.filter((feature) => !(exclude as string[]).includes(feature));
  // Trees split on order only, so scaling would change nothing but the stored thresholds.
  const scale = model === 'logistic';
  const numericSteps = (first: readonly [string, Transformer][]): Transformer =>
    new Pipeline([
      ...first,
      ['impute', new SimpleImputer({ strategy: 'median' })],
      ...(scale ? [['scale', new StandardScaler()] as const] : []),
    ]);
  const preprocess = new ColumnTransformer([
    ['numeric', numericSteps([]), keep(NUMERIC_FEATURES)],
    [
      'sleep',
      numericSteps([
        ['hours', new OrdinalEncoder({ mappings: { sleep_duration: { ...SLEEP_HOURS } } })],
      ]),
      keep(ORDINAL_FEATURES),
    ],
    [
      'categorical',
      new OneHotEncoder({ minFrequency: DEFAULT_MIN_CATEGORY_FREQUENCY }),
      keep(CATEGORICAL_FEATURES),
    ],
  ]);
  const estimator = model === 'logistic' ? new LogisticRegression() : new GradientBoostedTrees();
  const pipeline = new Pipeline([
    ['preprocess', preprocess],
    ['model', estimator],
  ]);
  pipeline.setParams(
    Object.fromEntries(Object.entries(params).map(([key, value]) => [`model.${key}`, value])),
  );
  pipeline.setParams(preprocessing);
  return pipeline;
}
