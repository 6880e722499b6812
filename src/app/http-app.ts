import { readFileSync } from 'node:fs';
import { healthRoutes } from '../platform/http/health-routes.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import { createMetrics } from '../platform/metrics.js';
import { mountQueueBoard } from '../platform/queue/board.js';
import { trackingRoutes } from '../tracking/routes.js';
import { servingRoutes } from '../serving/routes.js';
import { registerServingMetrics } from '../serving/serving-metrics.js';
import { surveyScoringHook } from '../serving/survey-hook.js';
import { createSurvey } from '../survey/create-survey.js';
import type { Runtime } from './runtime.js';

const HOME_PAGE = new URL('../../web/home.html', import.meta.url);

/** The HTTP application of sdp: every route module, wired to one runtime. */
export async function createApp(runtime: Runtime, version: string): Promise<App> {
  const homePage = readFileSync(HOME_PAGE, 'utf8');
  // Loads the champion now (if there is one) and keeps aliases and rollouts fresh after.
  await runtime.serving.predictions.start({ analyseRollouts: true });
  const survey = createSurvey({
    db: runtime.database.db,
    settings: runtime.config.survey,
    log: runtime.log,
    // Each stored response is scored under its submission id, and its PHQ-9 label joins
    // that prediction as ground truth.
    onResponseStored: surveyScoringHook(runtime.serving.predictions),
  });
  const metrics = createMetrics();
  registerServingMetrics(metrics.registry, runtime.serving.predictions);
  const app = await createHttpServer({
    log: runtime.log,
    version,
    metrics,
    routes: [
      healthRoutes(runtime.readinessChecks()),
      trackingRoutes(runtime.services, {
        allowAliasChanges: runtime.config.registry.allowAliasChanges,
      }),
      servingRoutes(runtime.serving.predictions, runtime.config.serving),
      ...survey.routes,
      (app) => {
        app.get('/', { schema: { hide: true } }, (_request, reply) =>
          reply.type('text/html; charset=utf-8').send(homePage),
        );
      },
    ],
  });
  // On shutdown, scoring of the last responses finishes before the prediction log is flushed.
  app.addHook('onClose', () => survey.service.drain());
  await mountQueueBoard(app, runtime.queue);
  return app;
}
