import { z } from 'zod';
import { problemSchema } from '../platform/http/problem.js';
import { actorOf } from '../platform/http/route-policy.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { RegistryService } from './registry-service.js';
import type { TrackingService } from './tracking-service.js';
import type { RunId } from './ids.js';
import type { RunStatus } from './tables.js';
import {
  aliasChangeSchema,
  aliasEventSchema,
  aliasParam,
  modelDetailsSchema,
  modelNameParam,
  modelSchema,
  modelVersionSchema,
  runDetailsSchema,
  runIdParam,
  runSchema,
  runStatusSchema,
  setAliasBodySchema,
} from './schemas.js';

const read = { access: 'viewer' } as const;

const errors = { 400: problemSchema, 404: problemSchema };

/**
 * Runs and the registry under /v1: reading for viewers, alias changes for operators.
 *
 * @example
 * createHttpServer({ log, version, routes: [trackingRoutes(services)] });
 */
export function trackingRoutes(services: {
  tracking: TrackingService;
  registry: RegistryService;
}): RouteModule {
  const { tracking, registry } = services;
  return (app: App) => {
    app.get(
      '/v1/runs',
      {
        config: read,
        schema: {
          tags: ['tracking'],
          summary: 'List runs, newest first',
          querystring: z.object({
            experiment: z.string().min(1).optional(),
            status: runStatusSchema.optional(),
            parent: runIdParam.optional().meta({ description: 'Only the child runs of this run' }),
            limit: z.coerce.number().int().min(1).max(1000).default(50),
          }),
          response: { 200: z.object({ runs: z.array(runSchema) }), 400: problemSchema },
        },
      },
      async (request) => {
        const { experiment, status, parent, limit } = request.query;
        const runs = await tracking.listRuns({
          experiment,
          status: status as RunStatus | undefined,
          parentRunId: parent as RunId | undefined,
          limit,
        });
        return { runs };
      },
    );

    app.get(
      '/v1/runs/:id',
      {
        config: read,
        schema: {
          tags: ['tracking'],
          summary: 'One run with its params, latest metrics and artifacts',
          params: z.object({ id: runIdParam }),
          querystring: z.object({
            series: z
              .enum(['true', 'false'])
              .optional()
              .meta({ description: 'Include every metric point' }),
          }),
          response: { 200: runDetailsSchema, ...errors },
        },
      },
      async (request) =>
        tracking.getRun(request.params.id, { series: request.query.series === 'true' }),
    );

    app.get(
      '/v1/models',
      {
        config: read,
        schema: {
          tags: ['registry'],
          summary: 'List registered models with their version counts and aliases',
          response: { 200: z.object({ models: z.array(modelSchema) }) },
        },
      },
      async () => ({ models: await registry.listModels() }),
    );

    app.get(
      '/v1/models/:name',
      {
        config: read,
        schema: {
          tags: ['registry'],
          summary: 'A registered model with all its versions',
          params: z.object({ name: modelNameParam }),
          response: { 200: modelDetailsSchema, ...errors },
        },
      },
      async (request) => registry.getModel(request.params.name),
    );

    app.get(
      '/v1/models/:name/versions/:version',
      {
        config: read,
        schema: {
          tags: ['registry'],
          summary: 'One version of a model',
          params: z.object({ name: modelNameParam, version: z.coerce.number().int().min(1) }),
          response: { 200: modelVersionSchema, ...errors },
        },
      },
      async (request) => registry.getVersion(request.params.name, request.params.version),
    );

    app.get(
      '/v1/models/:name/aliases/history',
      {
        config: read,
        schema: {
          tags: ['registry'],
          summary: 'Every alias change of a model, newest first (the audit log)',
          params: z.object({ name: modelNameParam }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
          response: { 200: z.object({ events: z.array(aliasEventSchema) }), ...errors },
        },
      },
      async (request) => ({
        events: await registry.aliasHistory(request.params.name, request.query.limit),
      }),
    );

    app.put(
      '/v1/models/:name/aliases/:alias',
      {
        config: { access: 'operator' },
        schema: {
          tags: ['registry'],
          summary: 'Point an alias at a version (moving champion keeps the old one as previous)',
          description: 'Audited with the caller as actor and the reason given.',
          params: z.object({ name: modelNameParam, alias: aliasParam }),
          body: setAliasBodySchema,
          response: { 200: aliasChangeSchema, ...errors, 409: problemSchema },
        },
      },
      async (request) => {
        const { name, alias } = request.params;
        const { version, reason } = request.body;
        return registry.setAlias(name, alias, version, {
          actor: actorOf(request),
          reason,
        });
      },
    );
  };
}
