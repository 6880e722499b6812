import { readFileSync } from 'node:fs';
import { healthRoutes } from '../platform/http/health-routes.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import { mountQueueBoard } from '../platform/queue/board.js';
import { trackingRoutes } from '../tracking/routes.js';
import type { Runtime } from './runtime.js';

const HOME_PAGE = new URL('../../web/home.html', import.meta.url);

/** The HTTP application of sdp: every route module, wired to one runtime. */
export async function createApp(runtime: Runtime, version: string): Promise<App> {
  const homePage = readFileSync(HOME_PAGE, 'utf8');
  const app = await createHttpServer({
    log: runtime.log,
    version,
    routes: [
      healthRoutes(runtime.readinessChecks()),
      trackingRoutes(runtime.services, {
        allowAliasChanges: runtime.config.registry.allowAliasChanges,
      }),
      (app) => {
        app.get('/', { schema: { hide: true } }, (_request, reply) =>
          reply.type('text/html; charset=utf-8').send(homePage),
        );
      },
    ],
  });
  await mountQueueBoard(app, runtime.queue);
  return app;
}
