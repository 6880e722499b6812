import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { RouteModule } from '../platform/http/server.js';
import type { Logger } from '../platform/log.js';
import { SurveyRepository } from './survey-repository.js';
import { surveyRoutes } from './survey-routes.js';
import { SurveyService, type OnResponseStored } from './survey-service.js';
import type { SurveySettings } from './survey-settings.js';
import { surveyWebRoutes } from './survey-web.js';

/**
 * The survey wired for the HTTP app: its service over the database and its route modules
 * (API and web app). `onResponseStored` is the scoring hook (see `OnResponseStored`).
 *
 * @example createHttpServer({ …, routes: [...createSurvey({ db, settings, log, onResponseStored }).routes] })
 */
export function createSurvey(options: {
  db: Kysely<Database>;
  settings: SurveySettings;
  log: Logger;
  onResponseStored?: OnResponseStored;
  /** Directory of the built web app (default web/dist/survey). */
  webDirectory?: string;
  /** Today's UTC day, `YYYY-MM-DD`, the only time stored with a response (default: the clock's). */
  today?: () => string;
}): { service: SurveyService; routes: RouteModule[] } {
  const service = new SurveyService({
    repository: new SurveyRepository(options.db),
    maxUnansweredShare: options.settings.maxUnansweredShare,
    log: options.log,
    onResponseStored: options.onResponseStored,
    today: options.today,
  });
  return {
    service,
    routes: [
      surveyRoutes(service, options.settings),
      surveyWebRoutes(options.settings, options.webDirectory),
    ],
  };
}
