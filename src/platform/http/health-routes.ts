import { z } from 'zod';
import type { App } from './server.js';
import './route-policy.js';

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
  .object({
    status: z.enum(['ready', 'unavailable']),
    /** Only for a caller with the viewer role: where each backend is says much about a site. */
    checks: z.record(z.string(), checkResult).optional(),
  })
  .meta({ id: 'Readiness' });

const PING_TIMEOUT_MS = 3000;

/**
 * /healthz (the process is alive) and /readyz (every dependency answers), both public for
 * probes; /readyz names the backends and their errors only to a viewer.
 */
export function healthRoutes(checks: ReadinessCheck[]) {
  return (app: App) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
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
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary: 'Readiness: database, queue and object store reachable',
          description:
            'Each check (backend, location, error) is shown to a caller with the viewer role.',
          response: { 200: readiness, 503: readiness },
        },
      },
      async (request, reply) => {
        const results = await Promise.all(checks.map(runCheck));
        const ready = results.every((result) => result.status === 'ok');
        return reply.status(ready ? 200 : 503).send({
          status: ready ? 'ready' : 'unavailable',
          ...(request.caller?.may('viewer')
            ? { checks: Object.fromEntries(checks.map((check, i) => [check.name, results[i]])) }
            : {}),
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
