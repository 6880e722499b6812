import { z } from 'zod';
import type { App, RouteModule } from '../platform/http/server.js';
import { DomainError } from '../errors.js';
import { problemSchema } from '../platform/http/problem.js';
import { CATALOGUES, format, localeFromHeader } from './messages.js';
import { PHQ9_BANDS } from './phq9.js';
import { RateLimiter } from './rate-limiter.js';
import { submissionLocale, submissionSchema, validateSubmission } from './submission.js';
import type { SurveyService } from './survey-service.js';
import type { SurveySettings } from './settings.js';

const submitted = z
  .object({
    submissionId: z.string(),
    /** Keep it to delete the response later; the only link between a person and their answers. */
    receiptCode: z.string(),
    phq9: z.object({
      total: z.number().int(),
      band: z.enum(PHQ9_BANDS.map((band) => band.band) as [string, ...string[]]),
    }),
  })
  .meta({ id: 'SurveySubmitted' });

/**
 * The survey API: submit a response (idempotent by the client's submission id) and delete one
 * by its receipt code. Bodies are validated by `validateSubmission` (the form's own rules), so
 * the route skips Fastify's validator and answers in the respondent's language.
 */
export function surveyRoutes(service: SurveyService, settings: SurveySettings): RouteModule {
  const submissions = new RateLimiter(settings.rateLimit.submissions, settings.rateLimit.windowMs);
  const deletions = new RateLimiter(settings.rateLimit.deletions, settings.rateLimit.windowMs);
  const tooMany = (limiter: RateLimiter) => {
    const retryAfterSeconds = limiter.retryAfterSeconds();
    return DomainError.rateLimited(`Too many requests; try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  };

  return (app: App) => {
    app.post(
      '/v1/survey/responses',
      {
        config: { access: 'public' },
        bodyLimit: settings.bodyLimitBytes,
        // Validation happens in the handler (localized, same code as the form); the schema is
        // kept for the OpenAPI document.
        validatorCompiler: () => (data) => ({ value: data }),
        schema: {
          tags: ['survey'],
          summary: 'Submit a survey response',
          description:
            'Stores an anonymous response once per submissionId: a retry with the same id and answers ' +
            'returns the same receipt (200); the same id with other answers is a conflict (409). ' +
            "Field errors are localized to the body's locale (else Accept-Language).",
          body: submissionSchema,
          response: {
            200: submitted,
            201: submitted,
            400: problemSchema,
            409: problemSchema,
            413: problemSchema,
            429: problemSchema,
          },
        },
      },
      async (request, reply) => {
        if (!submissions.take(request.ip)) throw tooMany(submissions);
        const fallback = localeFromHeader(request.headers['accept-language']);
        const result = validateSubmission(request.body, fallback);
        if (!result.ok) {
          const locale = submissionLocale(request.body, fallback);
          reply.header('content-language', locale);
          throw DomainError.invalid(
            format(CATALOGUES[locale].errors.detail, { count: result.errors.length }),
            { details: result.errors.map(({ field, message }) => ({ field, message })) },
          );
        }
        const outcome = await service.submit(result.submission);
        if (outcome.status === 'conflict')
          throw DomainError.conflict('This submission id was already used with different answers.');
        return reply.status(outcome.status === 'created' ? 201 : 200).send({
          submissionId: result.submission.submissionId,
          receiptCode: outcome.receiptCode,
          phq9: { total: outcome.phq9.total, band: outcome.phq9.band },
        });
      },
    );

    app.delete(
      '/v1/survey/responses/:receiptCode',
      {
        // The receipt code is the respondent's only key to their answers: never logged.
        config: { access: 'public', secretPath: true },
        schema: {
          tags: ['survey'],
          summary: 'Delete your own response with its receipt code',
          params: z.object({ receiptCode: z.string().max(64) }),
          response: { 204: z.null().describe('Deleted'), 404: problemSchema, 429: problemSchema },
        },
      },
      async (request, reply) => {
        if (!deletions.take(request.ip)) throw tooMany(deletions);
        if (!(await service.deleteResponse(request.params.receiptCode)))
          throw DomainError.notFound('No response has this receipt code.');
        return reply.status(204).send(null);
      },
    );
  };
}
