import { z } from 'zod';
import { ALIAS_NAME, MODEL_NAME } from './names.js';
import { RUN_STATUSES } from './run-status.js';
import { RUN_ID_PATTERN } from './ids.js';

// The HTTP shapes of tracking and the registry. Each named schema becomes a component of the
// OpenAPI document, with an example, so /docs shows what a caller gets back.

const RUN_ID_EXAMPLE = '4f1c2b9a8e7d4c3ba1f0e9d8c7b6a5f4';

export const runIdParam = z
  .string()
  .regex(RUN_ID_PATTERN, 'a run id is 32 lowercase hex digits')
  .meta({ description: 'Run id', examples: [RUN_ID_EXAMPLE] });

export const modelNameParam = z
  .string()
  .regex(MODEL_NAME, 'letters, digits and "_ . -", at most 100 characters')
  .meta({ description: 'Registered model name', examples: ['depression-gbdt'] });

export const aliasParam = z
  .string()
  .regex(ALIAS_NAME, 'must match /^[a-z][a-z0-9_-]*$/')
  .meta({ description: 'Alias name', examples: ['champion', 'challenger'] });

export const runStatusSchema = z.enum(RUN_STATUSES as [string, ...string[]]).meta({
  id: 'RunStatus',
  description: '`running` until the run ends as finished, failed or killed',
});

export const runSchema = z
  .object({
    id: z.string(),
    experimentId: z.string(),
    experiment: z.string(),
    name: z.string(),
    status: runStatusSchema,
    params: z.record(z.string(), z.unknown()),
    config: z.unknown(),
    datasetId: z.string().nullable(),
    datasetHash: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    seed: z.number().int().nullable(),
    codeVersion: z.string().nullable(),
    parentRunId: z
      .string()
      .nullable()
      .meta({ description: 'Set for child runs, e.g. tuning trials' }),
    startedAt: z.date(),
    endedAt: z.date().nullable(),
    error: z.string().nullable(),
  })
  .meta({
    id: 'Run',
    description: 'A training, evaluation or tuning run with its provenance',
    examples: [
      {
        id: RUN_ID_EXAMPLE,
        experimentId: 'exp_0a1b2c3d4e5f6a7b',
        experiment: 'depression-gbdt',
        name: 'nightly-retrain',
        status: 'finished',
        params: { 'model.learningRate': 0.1, 'model.maxDepth': 4 },
        config: { model: { kind: 'gbdt' } },
        datasetId: 'ds_2024_05_01',
        datasetHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        tags: { trigger: 'schedule' },
        seed: 42,
        codeVersion: '0.1.0',
        parentRunId: null,
        startedAt: '2024-05-01T02:00:00.000Z',
        endedAt: '2024-05-01T02:03:12.000Z',
        error: null,
      },
    ],
  });

export const metricSummarySchema = z
  .object({
    key: z.string(),
    value: z.number().meta({ description: 'Value at the highest step (the last logged on ties)' }),
    step: z.number().int(),
    points: z.number().int(),
    min: z.number(),
    max: z.number(),
    firstStep: z.number().int(),
  })
  .meta({
    id: 'MetricSummary',
    description: 'The latest value of one metric and the range of its series',
    examples: [
      { key: 'val/auc', value: 0.912, step: 199, points: 200, min: 0.71, max: 0.913, firstStep: 0 },
    ],
  });

export const metricPointSchema = z
  .object({ step: z.number().int(), value: z.number(), recordedAt: z.date() })
  .meta({ id: 'MetricPoint' });

export const artifactSchema = z
  .object({
    path: z.string(),
    blobKey: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    createdAt: z.date(),
  })
  .meta({
    id: 'Artifact',
    description: 'A file of a run, its bytes in the object store',
    examples: [
      {
        path: 'model/pipeline.json',
        blobKey: `runs/${RUN_ID_EXAMPLE}/model/pipeline.json`,
        sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        size: 48213,
        contentType: 'application/json',
        createdAt: '2024-05-01T02:03:10.000Z',
      },
    ],
  });

export const runDetailsSchema = runSchema
  .extend({
    metrics: z.array(metricSummarySchema),
    artifacts: z.array(artifactSchema),
    series: z.record(z.string(), z.array(metricPointSchema)).optional(),
  })
  .meta({
    id: 'RunDetails',
    description: 'A run with its metrics, artifacts and (on request) metric series',
  });

export const modelSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.date(),
    versionCount: z.number().int(),
    latestVersion: z.number().int(),
    aliases: z.record(z.string(), z.number().int()).meta({ description: 'Alias → version number' }),
  })
  .meta({
    id: 'RegisteredModel',
    description: 'A registered model: its version count and where its aliases point',
    examples: [
      {
        name: 'depression-gbdt',
        description: null,
        createdAt: '2024-04-01T10:00:00.000Z',
        versionCount: 4,
        latestVersion: 4,
        aliases: { champion: 3, challenger: 4, previous: 2 },
      },
    ],
  });

export const modelVersionSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    ref: z.string().meta({ description: 'Canonical reference, `name/version`' }),
    runId: z.string(),
    artifactKey: z.string(),
    artifactSha256: z.string(),
    signature: z.unknown().meta({ description: 'The input the model expects' }),
    metrics: z.record(z.string(), z.number()),
    datasetId: z.string().nullable(),
    description: z.string().nullable(),
    createdAt: z.date(),
    aliases: z.array(z.string()),
  })
  .meta({
    id: 'ModelVersion',
    description: 'One numbered version of a model, with its lineage (run, dataset) and aliases',
    examples: [
      {
        model: 'depression-gbdt',
        version: 3,
        ref: 'depression-gbdt/3',
        runId: RUN_ID_EXAMPLE,
        artifactKey: `runs/${RUN_ID_EXAMPLE}/model/pipeline.json`,
        artifactSha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        signature: { inputs: [{ name: 'age', type: 'number' }] },
        metrics: { auc: 0.912, f1: 0.84 },
        datasetId: 'ds_2024_05_01',
        description: null,
        createdAt: '2024-05-01T02:03:12.000Z',
        aliases: ['champion'],
      },
    ],
  });

export const modelDetailsSchema = modelSchema
  .extend({ versions: z.array(modelVersionSchema) })
  .meta({
    id: 'RegisteredModelDetails',
    description: 'A model with all its versions, newest first',
  });

export const aliasEventSchema = z
  .object({
    id: z.number().int(),
    model: z.string(),
    alias: z.string(),
    fromVersion: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Null when the alias was created' }),
    toVersion: z.number().int().nullable().meta({ description: 'Null when the alias was deleted' }),
    actor: z.string(),
    reason: z.string(),
    at: z.date(),
  })
  .meta({
    id: 'AliasEvent',
    description: 'One audited alias change',
    examples: [
      {
        id: 7,
        model: 'depression-gbdt',
        alias: 'champion',
        fromVersion: 2,
        toVersion: 3,
        actor: 'ana',
        reason: 'AUC +0.02 on the May holdout',
        at: '2024-05-02T09:00:00.000Z',
      },
    ],
  });

export const aliasChangeSchema = z
  .object({
    model: z.string(),
    alias: z.string(),
    fromVersion: z.number().int().nullable(),
    toVersion: z.number().int().nullable(),
    changed: z
      .boolean()
      .meta({ description: 'False when the alias already pointed at the version' }),
    events: z.array(aliasEventSchema),
  })
  .meta({
    id: 'AliasChange',
    description: 'What an alias change did, with the audit events it wrote',
  });

export const setAliasBodySchema = z
  .strictObject({
    version: z.number().int().min(1),
    reason: z.string().trim().min(1).max(1000),
  })
  .meta({
    id: 'SetAliasRequest',
    description: 'Point an alias at a version; the reason goes to the audit log',
    examples: [{ version: 3, reason: 'AUC +0.02 on the May holdout' }],
  });
