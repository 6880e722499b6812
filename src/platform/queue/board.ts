import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { bullQueueOf } from './bullmq-queue.js';
import { jobStates, toJobId, type JobQueue, type JobSchema } from './job-queue.js';

export interface QueueBoardOptions {
  /** Hide bull-board's buttons that change jobs (retry, clean, add, pause). Default false. */
  readOnly?: boolean;
}

/**
 * The part of a Fastify instance the board uses. Structural, so that an instance with any
 * type provider or logger type (the app's zod-typed server, a bare `Fastify()`) fits.
 */
export interface FastifyRegistrar {
  register(plugin: FastifyPluginCallback, options: { prefix: string }): unknown;
}

/** bull-board's server-side type, from the copy of @bull-board/api that createBullBoard uses. */
type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/** What was mounted: bull-board (BullMQ backend) or the JSON listing (inline backend). */
export type QueueBoardKind = 'bull-board' | 'json';

const listQuery = z.object({
  state: z.enum(jobStates).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * Mounts the queue dashboard (the Flower counterpart) under `basePath`.
 *
 * - BullMQ backend: bull-board, the full UI and its API.
 * - Inline backend: bull-board only speaks to Redis, so a small read-only JSON listing takes
 *   its place at the same path: `GET basePath` → `{ kind, queue, counts, jobs }` (query
 *   `state`, `limit`) and `GET basePath/jobs/:id` → one job or 404. Same URL in both modes,
 *   so links and the ops runbook need not care which backend runs.
 *
 * The routes are registered in their own plugin scope and hidden from the OpenAPI document;
 * protecting them (auth) is the server's business. Fastify loads them at `ready()`.
 */
export async function mountQueueBoard<S extends JobSchema>(
  fastify: FastifyRegistrar,
  queue: JobQueue<S>,
  basePath = '/admin/queues',
  options: QueueBoardOptions = {},
): Promise<QueueBoardKind> {
  const prefix = basePath.replace(/\/+$/, '') || '/';
  const bullQueue = bullQueueOf(queue);
  if (bullQueue) {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(prefix);
    createBullBoard({
      queues: [new BullMQAdapter(bullQueue, { readOnlyMode: options.readOnly ?? false })],
      // @bull-board/fastify pins its own copy of @bull-board/api (a patch version apart), so
      // the two declarations of the adapter types differ nominally though they match at run time.
      serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    });
    fastify.register(boardScope(serverAdapter.registerPlugin() as FastifyPluginCallback), {
      prefix,
    });
    return 'bull-board';
  }
  fastify.register(jsonListing(queue), { prefix });
  return 'json';
}

/**
 * bull-board's page sets `<base href>` and applies inline styles, which the server's strict
 * policy refuses (base-uri 'none', style-src 'self'): under its path it gets the same policy
 * with those two allowed. Scripts stay this server's own; its third-party web font stays out.
 */
const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; object-src 'none'";

function boardScope(board: FastifyPluginCallback): FastifyPluginCallback {
  return (scope, _options, done) => {
    scope.addHook('onSend', (_request, reply, payload, next) => {
      reply.header('content-security-policy', BOARD_CSP);
      next(null, payload);
    });
    scope.register(board);
    done();
  };
}

function jsonListing<S extends JobSchema>(queue: JobQueue<S>): FastifyPluginCallback {
  return (scope, _options, done) => {
    scope.get('/', { schema: { hide: true } }, async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return reply.status(400).send({ error: z.prettifyError(query.error) });
      const [counts, jobs] = await Promise.all([queue.counts(), queue.list(query.data)]);
      return { kind: queue.kind, queue: queue.name, counts, jobs };
    });
    scope.get<{ Params: { id: string } }>(
      '/jobs/:id',
      { schema: { hide: true } },
      async (request, reply) => {
        const job = await queue.getJob(toJobId(request.params.id));
        if (!job) return reply.status(404).send({ error: `No job with id ${request.params.id}` });
        return job;
      },
    );
    done();
  };
}
