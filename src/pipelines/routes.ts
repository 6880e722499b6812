import { z } from 'zod';
import { problemSchema } from '../platform/http/problem.js';
import { actorOf } from '../platform/http/route-policy.js';
import { STORABLE_TEXT, STORABLE_TEXT_MESSAGE } from '../platform/text.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { PipelineRun, TaskRun } from './pipeline-repository.js';
import type { PipelineScheduler } from './scheduler.js';
import type { PipelineService, RunDetails } from './pipeline-service.js';
import { RUN_STATES, RUN_TRIGGERS, TASK_STATES } from './tables.js';

const time = z.string().nullable().meta({ description: 'ISO 8601, UTC' });
const iso = (date: Date | null) => date?.toISOString() ?? null;

const runSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  runKey: z.string(),
  trigger: z.enum(RUN_TRIGGERS),
  intervalStart: time,
  intervalEnd: time,
  params: z.record(z.string(), z.unknown()),
  state: z.enum(RUN_STATES),
  summary: z.string().nullable(),
  createdBy: z.string(),
  createdAt: time,
  startedAt: time,
  finishedAt: time,
});
const taskSchema = z.object({
  taskId: z.string(),
  dependsOn: z.array(z.string()),
  state: z.enum(TASK_STATES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().nullable(),
  output: z.unknown(),
  error: z.string().nullable(),
  log: z.array(z.object({ at: z.string(), attempt: z.number().int(), message: z.string() })),
});
const runDetailsSchema = z.object({ run: runSchema, tasks: z.array(taskSchema) });

const runJson = (r: PipelineRun): z.infer<typeof runSchema> => ({
  id: r.id,
  pipeline: r.pipeline,
  runKey: r.run_key,
  trigger: r.trigger,
  intervalStart: iso(r.interval_start),
  intervalEnd: iso(r.interval_end),
  params: r.params,
  state: r.state,
  summary: r.summary,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
});
const taskJson = (t: TaskRun & { dependsOn: readonly string[] }): z.infer<typeof taskSchema> => ({
  taskId: t.task_id,
  dependsOn: [...t.dependsOn],
  state: t.state,
  attempts: t.attempts,
  maxAttempts: t.max_attempts,
  startedAt: iso(t.started_at),
  finishedAt: iso(t.finished_at),
  durationMs: t.duration_ms,
  output: t.output,
  error: t.error,
  log: t.log,
});
const detailsJson = (d: RunDetails) => ({ run: runJson(d.run), tasks: d.tasks.map(taskJson) });

const errors = { 400: problemSchema, 404: problemSchema };
const nameParam = z.object({ name: z.string().min(1).max(100) });
const runParam = z.object({ run: z.string().min(1).max(100) });

/** /v1/pipelines: reading for viewers; trigger, retry, backfill, pause and resume for operators. */
export function pipelineRoutes(
  pipelines: PipelineService,
  scheduler: PipelineScheduler,
): RouteModule {
  return (app: App) => {
    const tags = ['pipelines'];
    app.get(
      '/v1/pipelines',
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: 'Pipelines with their tasks, pause state and next scheduled run',
          response: {
            200: z.object({
              pipelines: z.array(
                z.object({
                  name: z.string(),
                  description: z.string(),
                  paused: z.boolean(),
                  nextRun: time,
                  tasks: z.array(
                    z.object({
                      id: z.string(),
                      dependsOn: z.array(z.string()),
                      trigger: z.string(),
                    }),
                  ),
                }),
              ),
            }),
          },
        },
      },
      async () => ({
        pipelines: await Promise.all(
          pipelines.list().map(async (p) => {
            const paused = await pipelines.isPaused(p.name);
            return {
              name: p.name,
              description: p.description,
              paused,
              nextRun: paused ? null : iso(scheduler.nextRun(p.name)),
              tasks: p.tasks.map((t) => ({
                id: t.id,
                dependsOn: [...t.dependsOn],
                trigger: t.trigger,
              })),
            };
          }),
        ),
      }),
    );
    app.get(
      '/v1/pipelines/:name/runs',
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: 'Runs of a pipeline, newest first',
          params: nameParam,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.object({ runs: z.array(runSchema) }), ...errors },
        },
      },
      async (request) => ({
        runs: (
          await pipelines.runs({ pipeline: request.params.name, limit: request.query.limit })
        ).map(runJson),
      }),
    );
    app.get(
      '/v1/pipelines/runs/:run',
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: 'A run with its tasks: tries, outputs, errors and logs',
          params: runParam,
          response: { 200: runDetailsSchema, ...errors },
        },
      },
      async (request) => detailsJson(await pipelines.show(request.params.run)),
    );
    app.post(
      '/v1/pipelines/:name/runs',
      {
        config: { access: 'operator' },
        schema: {
          tags,
          summary: 'Trigger a run (its key makes a repeated trigger a no-op)',
          params: nameParam,
          body: z
            .strictObject({
              params: z.record(z.string(), z.unknown()).default({}),
              runKey: z
                .string()
                .min(1)
                .max(200)
                .regex(STORABLE_TEXT, STORABLE_TEXT_MESSAGE)
                .optional(),
            })
            .meta({ examples: [{ params: { from: '2026-11-30', to: '2026-12-07' } }] }),
          response: { 201: runSchema, 200: runSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { run, created } = await pipelines.trigger(request.params.name, {
          params: request.body.params,
          runKey: request.body.runKey,
          trigger: 'manual',
          actor: actorOf(request),
        });
        return reply.code(created ? 201 : 200).send(runJson(run));
      },
    );
    app.post(
      '/v1/pipelines/runs/:run/retry',
      {
        config: { access: 'operator' },
        schema: {
          tags,
          summary: 'Run the failed tasks (or one named task) again, with everything downstream',
          params: runParam,
          body: z
            .strictObject({ task: z.string().min(1).max(100).optional() })
            .meta({ examples: [{ task: 'train-2' }] }),
          response: { 200: runDetailsSchema, ...errors, 409: problemSchema },
        },
      },
      async (request) =>
        detailsJson(
          await pipelines.retry(request.params.run, {
            task: request.body.task,
            actor: actorOf(request),
          }),
        ),
    );
    app.post(
      '/v1/pipelines/:name/backfill',
      {
        config: { access: 'operator' },
        schema: {
          tags,
          summary: 'Run the scheduled intervals ending in (from, to] that have no run yet',
          params: nameParam,
          body: z
            .strictObject({
              from: z.iso.datetime({ offset: true }).or(z.iso.date()),
              to: z.iso.datetime({ offset: true }).or(z.iso.date()),
            })
            .meta({ examples: [{ from: '2026-10-01', to: '2026-11-01' }] }),
          response: {
            200: z.object({ created: z.array(z.string()), existing: z.array(z.string()) }),
            ...errors,
          },
        },
      },
      async (request) =>
        scheduler.backfill(
          request.params.name,
          new Date(request.body.from),
          new Date(request.body.to),
          actorOf(request),
        ),
    );
    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const)
      app.post(
        `/v1/pipelines/:name/${action}`,
        {
          config: { access: 'operator' },
          schema: {
            tags,
            summary: paused
              ? 'Stop scheduling the pipeline and starting its queued runs'
              : 'Schedule the pipeline again',
            params: nameParam,
            response: { 204: z.null().meta({ description: 'Done' }), ...errors },
          },
        },
        async (request, reply) => {
          await pipelines.setPaused(request.params.name, paused, actorOf(request));
          return reply.code(204).send(null);
        },
      );
  };
}
