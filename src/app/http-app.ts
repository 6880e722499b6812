import { readFileSync } from 'node:fs';
import { accessRoutes } from '../access/access-routes.js';
import { httpAccess } from '../access/http-access.js';
import { healthRoutes } from '../platform/http/health-routes.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import { createMetrics } from '../platform/metrics.js';
import { mountQueueBoard } from '../platform/queue/board.js';
import { pipelineRoutes } from '../pipelines/routes.js';
import { trackingRoutes } from '../tracking/routes.js';
import { servingRoutes } from '../serving/routes.js';
import { registerServingMetrics } from '../serving/serving-metrics.js';
import { surveyRoutes } from '../survey/survey-routes.js';
import { surveyWebRoutes } from '../survey/survey-web.js';
import { registerStateMetrics } from './metrics.js';
import type { QueueRuntime, Runtime } from './runtime.js';

/** The home page and its script and style (files, so the strict CSP needs no exception). */
const HOME = {
  '/': ['home.html', 'text/html; charset=utf-8'],
  '/home.js': ['home.js', 'text/javascript; charset=utf-8'],
  '/home.css': ['home.css', 'text/css; charset=utf-8'],
} as const;
const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The HTTP application of sdp: every route module, wired to one runtime, behind the access
 * control (src/access). Starts the prediction service (loads the champion now, keeps aliases
 * and rollouts fresh after).
 */
export async function createApp(runtime: Runtime | QueueRuntime, version: string): Promise<App> {
  const { config } = runtime;
  await runtime.predictions.start({ analyzeRollouts: true });
  const metrics = createMetrics();
  registerServingMetrics(metrics.registry, runtime.predictions);
  registerStateMetrics(metrics.registry, runtime);
  // Distributed: rate limits are counted in Redis, so they hold across API processes.
  const redis = config.queue.url.startsWith('redis')
    ? new (await import('ioredis')).Redis(config.queue.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      })
    : undefined;
  const access = httpAccess(runtime.access, {
    settings: config.access,
    boardPath: 'queue' in runtime ? QUEUE_BOARD_PATH : undefined,
    redis,
  });
  const app = await createHttpServer({
    log: runtime.log,
    version,
    metrics,
    access: access.control,
    docsPolicy: config.access.docs,
    metricsPolicy: 'viewer',
    trustProxy: config.server.trustProxy,
    plugins: [access.plugin],
    routes: [
      healthRoutes(runtime.readinessChecks()),
      access.routes,
      accessRoutes(runtime.access, runtime.audit),
      trackingRoutes(runtime),
      servingRoutes(runtime.predictions, config.serving),
      surveyRoutes(runtime.survey, config.survey),
      surveyWebRoutes(config.survey),
      ...('pipelines' in runtime ? [pipelineRoutes(runtime.pipelines, runtime.scheduler)] : []),
      (app) => {
        const options = { schema: { hide: true }, config: { access: 'public' } } as const;
        for (const [url, [file, type]] of Object.entries(HOME)) {
          const body = readFileSync(new URL(`../../web/${file}`, import.meta.url));
          app.get(url, options, (_request, reply) => reply.type(type).send(body));
        }
      },
    ],
  });
  if (redis) {
    await redis
      .connect()
      .catch((error: Error) =>
        runtime.log.warn(
          { err: error },
          `rate limits: Redis does not answer (${error.message}); not limiting until it does`,
        ),
      );
    app.addHook('onClose', async () => void redis.disconnect());
  }
  if ('queue' in runtime) await mountQueueBoard(app, runtime.queue, QUEUE_BOARD_PATH);
  return app;
}
