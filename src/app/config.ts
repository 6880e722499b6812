import { z } from 'zod';
import { composeConfig, type LoadedConfig, type LoadOptions } from '../config/load.js';
import { accessSettingsSchema } from '../access/settings.js';
import { dataSettingsSchema } from '../data/settings.js';
import { modelSettingsSchema } from '../ml/settings.js';
import { monitoringSettingsSchema } from '../monitoring/settings.js';
import { pipelinesSettingsSchema } from '../pipelines/settings.js';
import { blobSettingsSchema } from '../platform/blobs/index.js';
import { redactUrls } from '../platform/redact-url.js';
import { databaseSettingsSchema } from '../platform/db/settings.js';
import { serverSettingsSchema } from '../platform/http/settings.js';
import { logSettingsSchema } from '../platform/log/settings.js';
import { queueSettingsSchema } from '../platform/queue/settings.js';
import { servingSettingsSchema } from '../serving/settings.js';
import { surveySettingsSchema } from '../survey/settings.js';
import { trainSettingsSchema } from '../training/settings.js';
import { tuneSettingsSchema } from '../tuning/settings.js';

/**
 * The validated shape of sdp's configuration, composed from the settings schema each module
 * owns. Every object is strict, so an unknown key is an error (with a suggestion) instead of
 * a setting silently ignored.
 */
export const configSchema = z.strictObject({
  /** Which parts this process runs: everything, only the HTTP API, or only queue workers. */
  role: z.enum(['all', 'api', 'worker']),
  /** Where embedded mode keeps its database, files and model artifacts. */
  dataDir: z.string().min(1),
  server: serverSettingsSchema,
  log: logSettingsSchema,
  database: databaseSettingsSchema,
  queue: queueSettingsSchema,
  blobs: blobSettingsSchema,
  data: dataSettingsSchema,
  model: modelSettingsSchema,
  train: trainSettingsSchema,
  serving: servingSettingsSchema,
  /** Hyperparameter search (`sdp tune`), config/tune/*.yaml. */
  tune: tuneSettingsSchema,
  /** The survey: k-anonymity, manual review, limits, crisis resources per locale. */
  survey: surveySettingsSchema,
  /** Identities, what is open to whom, rate limits (docs/security.md). */
  access: accessSettingsSchema,
  /** Pipelines, their schedules and the weekly retraining loop (README, "Pipelines"). */
  pipelines: pipelinesSettingsSchema,
  /** Drift of inputs and scores against the champion's training data (`sdp drift`). */
  monitoring: monitoringSettingsSchema,
});

export type Config = z.infer<typeof configSchema>;
export type Role = Config['role'];

/**
 * sdp's configuration from config/ (see `composeConfig`): base.yaml, the chosen group options,
 * SDP_<SECTION>__<KEY> variables and `key=value` overrides, validated against `configSchema`.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig<Config> {
  return composeConfig(configSchema, options);
}

/** The resolved configuration as recorded with a run or dataset: no credentials in any URL. */
export function recordableConfig(config: Config): Config {
  return redactUrls(config);
}
