import { z } from 'zod';
import type { App } from './server.js';

/** A dependency whose reachability decides readiness: the database, queue or object store. */
export interface ReadinessCheck {
  name: string;
  /** Which backend, e.g. `postgres` or `embedded`, shown in /readyz details. */
  kind: string;
  /** Where it is, without secrets. */
  location: string;
  ping(): Promise<void>;
}

const checkResult = z.object({
  status: z.enum(['ok', 'failed']),
  kind: z.string(),
  location: z.string(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

const readiness = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), checkResult) })
  .meta({ id: 'Readiness' });

const PING_TIMEOUT_MS = 3000;

/** /healthz (the process is alive) and /readyz (every dependency answers). */
export function healthRoutes(checks: ReadinessCheck[]) {
  return (app: App) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness: the process is up',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: database, queue and object store reachable',
          response: { 200: readiness, 503: readiness },
        },
      },
      async (_request, reply) => {
        const results = await Promise.all(checks.map(runCheck));
        const ready = results.every((result) => result.status === 'ok');
        return reply.status(ready ? 200 : 503).send({
          status: ready ? 'ready' : 'unavailable',
          checks: Object.fromEntries(checks.map((check, i) => [check.name, results[i]])),
        });
      },
    );
  };
}

async function runCheck(check: ReadinessCheck): Promise<z.infer<typeof checkResult>> {
  const started = performance.now();
  const base = { kind: check.kind, location: check.location };
  try {
    await Promise.race([
      check.ping(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)),
          PING_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    return { status: 'ok', ...base, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'failed',
      ...base,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
