import { z } from 'zod';
import { FEATURE_NAMES, type FeatureName } from '../data/record.js';
import type { Params } from '../ml/estimator.js';
import { buildPipeline } from '../ml/model-factory.js';
import { surveySettingsSchema } from '../survey/survey-settings.js';
import { tuneConfigSchema } from '../tuning/tune-config.js';
import { servingConfigSchema } from '../serving/config-schema.js';

/**
 * The validated shape of sdp's configuration. Every object is strict, so an unknown key is
 * an error (with a suggestion) instead of a setting silently ignored.
 */
const server = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  shutdownTimeoutMs: z.number().int().positive(),
});

const log = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  format: z.enum(['auto', 'json', 'pretty']),
});

const database = z.strictObject({
  url: z.string().refine((url) => url === 'embedded' || /^postgres(ql)?:\/\//.test(url), {
    message: 'must be "embedded" or a postgres:// URL',
  }),
  poolSize: z.number().int().min(1).max(200),
});

const queue = z.strictObject({
  url: z.string().refine((url) => url === 'inline' || /^rediss?:\/\//.test(url), {
    message: 'must be "inline" or a redis:// URL',
  }),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
  concurrency: z.number().int().min(1).max(64),
  attempts: z.number().int().min(1).max(100),
  backoffMs: z.number().int().min(0),
});

const blobs = z.strictObject({
  url: z.string().refine((url) => url === 'file' || /^(file|s3):\/\//.test(url), {
    message: 'must be "file", a file:// URL or an s3://bucket/prefix URL',
  }),
  s3: z.strictObject({
    endpoint: z.string(),
    region: z.string().min(1),
    forcePathStyle: z.boolean(),
  }),
});

const data = z.strictObject({
  /** Files larger than this are refused before any row is read. */
  maxFileBytes: z.number().int().positive(),
  /** A file whose share of invalid rows exceeds this is refused as a whole. */
  maxQuarantineShare: z.number().min(0).max(1),
  /** Rows written per database statement while ingesting. */
  batchSize: z.number().int().min(100).max(50_000),
});

const hyperparameters = z.record(z.string(), z.unknown());

/** The model group (config/model/*.yaml): which estimator, its hyperparameters. */
const model = z
  .strictObject({
    name: z.enum(['logistic', 'gbdt']),
    /** Worker threads for cross-validation folds; 1 runs them in this thread. */
    parallelism: z.number().int().min(1).max(64),
    params: hyperparameters,
    /** Preprocessing hyperparameters by pipeline path, e.g. `preprocess.categorical.minFrequency`. */
    preprocessing: hyperparameters,
    /** Respondent factors the model must not use (see config/model/*.yaml). */
    exclude: z.array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]])),
  })
  .superRefine((spec, ctx) => {
    // Building the pipeline rejects unknown hyperparameter names with the list of known ones.
    try {
      buildPipeline({
        model: spec.name,
        params: spec.params as Params,
        preprocessing: spec.preprocessing as Params,
        exclude: spec.exclude,
      });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: (error as Error).message });
    }
  });

const train = z.strictObject({
  experiment: z.string().min(1).max(100),
  registeredModel: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  testFraction: z.number().gt(0).lt(1),
  folds: z.number().int().min(2).max(20),
  threshold: z.discriminatedUnion('strategy', [
    z.strictObject({ strategy: z.literal('fixed'), value: z.number().min(0).max(1) }),
    z.strictObject({ strategy: z.literal('max-f1') }),
    z.strictObject({ strategy: z.literal('target-recall'), value: z.number().gt(0).max(1) }),
  ]),
});

const registry = z.strictObject({
  /** Whether PUT /v1/models/:name/aliases/:alias may move aliases (a rollout); off until admin tokens exist. */
  allowAliasChanges: z.boolean(),
});

export const configSchema = z.strictObject({
  /** Which parts this process runs: everything, only the HTTP API, or only queue workers. */
  role: z.enum(['all', 'api', 'worker']),
  dataDir: z.string().min(1),
  server,
  log,
  database,
  queue,
  blobs,
  data,
  model,
  train,
  registry,
  serving: servingConfigSchema,
  /** Hyperparameter search (`sdp tune`), config/tune/*.yaml. */
  tune: tuneConfigSchema,
  /** The survey (src/survey): k-anonymity, manual review, limits, crisis resources per locale. */
  survey: surveySettingsSchema,
});

export type Config = z.infer<typeof configSchema>;
