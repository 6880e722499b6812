import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { App, RouteModule } from '../platform/http/server.js';
import { DomainError } from '../errors.js';
import type { SurveySettings } from './settings.js';

/** Where `npm run build` puts the Vite app; the same path from src/survey and dist/survey. */
const WEB_DIST = fileURLToPath(new URL('../../web/dist/survey/', import.meta.url));

/** Marker in web/survey/index.html replaced by this deployment's settings. */
const CONFIG_MARKER = '<!--survey-config-->';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The settings the page needs, as JSON safe to embed in HTML (`<` escaped). */
export function embeddedConfig(settings: SurveySettings): string {
  const json = JSON.stringify({ crisisResources: settings.crisisResources }).replace(
    /</g,
    '\\u003c',
  );
  return `<script id="survey-config" type="application/json">${json}</script>`;
}

/**
 * Serves the built survey app at /survey: index.html with this deployment's crisis resources
 * embedded (so they show before any request, and even if the API is down), and the hashed
 * assets, from memory. Nothing sets a cookie.
 */
export function surveyWebRoutes(settings: SurveySettings, directory = WEB_DIST): RouteModule {
  const indexFile = path.join(directory, 'index.html');
  const built = existsSync(indexFile);
  const index = built
    ? readFileSync(indexFile, 'utf8').replace(CONFIG_MARKER, embeddedConfig(settings))
    : '';
  const assets = new Map<string, { body: Buffer; type: string }>();
  const assetDirectory = path.join(directory, 'assets');
  if (existsSync(assetDirectory)) {
    for (const name of readdirSync(assetDirectory)) {
      const type = TYPES[path.extname(name)];
      if (type) assets.set(name, { body: readFileSync(path.join(assetDirectory, name)), type });
    }
  }

  return (app: App) => {
    const page = async (_request: unknown, reply: FastifyReply) => {
      if (!built)
        throw DomainError.unavailable('The survey web app is not built: run `npm run build`.');
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(index);
    };
    const options = { schema: { hide: true }, config: { access: 'public' } } as const;
    app.get('/survey', options, page);
    app.get('/survey/', options, page);
    app.get<{ Params: { file: string } }>(
      '/survey/assets/:file',
      options,
      async (request, reply) => {
        const asset = assets.get(request.params.file);
        if (!asset) throw DomainError.notFound(`No survey asset ${request.params.file}`);
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .type(asset.type)
          .send(asset.body);
      },
    );
  };
}
