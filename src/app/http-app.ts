import { readFileSync } from 'node:fs';
import { healthRoutes } from '../platform/http/health-routes.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import { createMetrics } from '../platform/metrics.js';
import { mountQueueBoard } from '../platform/queue/board.js';
import { trackingRoutes } from '../tracking/routes.js';
import { servingRoutes } from '../serving/routes.js';
import { registerServingMetrics } from '../serving/serving-metrics.js';
import { surveyRoutes } from '../survey/survey-routes.js';
import { surveyWebRoutes } from '../survey/survey-web.js';
import type { QueueRuntime, Runtime } from './runtime.js';

const HOME_PAGE = new URL('../../web/home.html', import.meta.url);

/**
 * The HTTP application of sdp: every route module, wired to one runtime. Starts the
 * prediction service (loads the champion now, keeps aliases and rollouts fresh after).
 */
export async function createApp(runtime: Runtime | QueueRuntime, version: string): Promise<App> {
  const homePage = readFileSync(HOME_PAGE, 'utf8');
  await runtime.predictions.start({ analyzeRollouts: true });
  const metrics = createMetrics();
  registerServingMetrics(metrics.registry, runtime.predictions);
  const app = await createHttpServer({
    log: runtime.log,
    version,
    metrics,
    routes: [
      healthRoutes(runtime.readinessChecks()),
      trackingRoutes(runtime, { allowAliasChanges: runtime.config.registry.allowAliasChanges }),
      servingRoutes(runtime.predictions, runtime.config.serving),
      surveyRoutes(runtime.survey, runtime.config.survey),
      surveyWebRoutes(runtime.config.survey),
      (app) => {
        app.get('/', { schema: { hide: true } }, (_request, reply) =>
          reply.type('text/html; charset=utf-8').send(homePage),
        );
      },
    ],
  });
  if ('queue' in runtime) await mountQueueBoard(app, runtime.queue);
  return app;
}
