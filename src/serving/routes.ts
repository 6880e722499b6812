import { z } from 'zod';
import { problemSchema } from '../platform/http/problem.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { ServingSettings } from './settings.js';
import { DomainError } from '../errors.js';
import { batchJson, predictionJson } from './prediction-json.js';
import type { PredictionResult, PredictionService } from './prediction-service.js';
import { isSurveyKey, SURVEY_KEY_PREFIX } from './survey-hook.js';
import {
  batchRequestSchema,
  batchResponseSchema,
  feedbackRequestSchema,
  feedbackResponseSchema,
  predictionSchema,
  predictRequestSchema,
} from './schemas.js';

const MAX_KEY_LENGTH = 200;

/**
 * Predictions are built by the service from validated data, so they are serialised directly,
 * without a second validation pass (the zod schemas still document them in OpenAPI); errors
 * (problem documents) go through JSON.stringify.
 */
const predictionSerializer = () => (data: unknown) =>
  isPrediction(data) ? predictionJson(data) : JSON.stringify(data);
const batchSerializer = () => (data: unknown) =>
  data && typeof data === 'object' && Array.isArray((data as { predictions?: unknown }).predictions)
    ? batchJson((data as { predictions: PredictionResult[] }).predictions)
    : JSON.stringify(data);
const isPrediction = (data: unknown): data is PredictionResult =>
  typeof data === 'object' && data !== null && 'probability' in data && 'contributions' in data;

const errorResponses = { 400: problemSchema, 503: problemSchema };

/** Survey keys are labelled by the survey alone (see survey-hook.ts). */
const reservedKey = (field: string) =>
  DomainError.invalid(`Request keys starting with "${SURVEY_KEY_PREFIX}" belong to the survey.`, {
    details: [{ field, message: `must not start with "${SURVEY_KEY_PREFIX}"` }],
  });

/** POST /v1/predict, /v1/predict/batch, /v1/feedback and GET /v1/serving/status. */
export function servingRoutes(service: PredictionService, config: ServingSettings): RouteModule {
  const keyHeader = config.requestKeyHeader;
  const requestKeyOf = (headers: Record<string, unknown>, requestId: string): string => {
    const given = headers[keyHeader];
    if (given === undefined) return requestId;
    if (typeof given !== 'string' || given.length === 0 || given.length > MAX_KEY_LENGTH) {
      throw DomainError.invalid(`The ${keyHeader} header must be 1–${MAX_KEY_LENGTH} characters`, {
        details: [{ field: `headers.${keyHeader}`, message: `1–${MAX_KEY_LENGTH} characters` }],
      });
    }
    if (isSurveyKey(given)) throw reservedKey(`headers.${keyHeader}`);
    return given;
  };

  // Declared for the OpenAPI document; checked (with a clear error) by requestKeyOf.
  const keyHeaders = z.looseObject({
    [keyHeader]: z
      .string()
      .optional()
      .meta({
        description: `Sticky routing and the key for POST /v1/feedback (1–${MAX_KEY_LENGTH} characters)`,
      }),
  });

  return (app: App) => {
    app.post(
      '/v1/predict',
      {
        config: { access: 'predict' },
        serializerCompiler: predictionSerializer,
        schema: {
          tags: ['predictions'],
          summary: 'Screening score for one respondent',
          description:
            `A screening aid for the wellbeing team, never a diagnosis. The \`${keyHeader}\` header ` +
            '(e.g. the survey submission id) keeps a client on one model version during a canary ' +
            'rollout and is the key for POST /v1/feedback; without it the request id is used.',
          headers: keyHeaders,
          body: predictRequestSchema,
          response: { 200: predictionSchema, ...errorResponses },
        },
      },
      async (request) => service.predict(request.body, requestKeyOf(request.headers, request.id)),
    );

    app.post(
      '/v1/predict/batch',
      {
        config: { access: 'predict' },
        serializerCompiler: batchSerializer,
        schema: {
          tags: ['predictions'],
          summary: `Screening scores for up to ${config.maxBatchSize} respondents`,
          description:
            'All records of a batch go to the same model version; each is logged under ' +
            '`<request key>/<index>`. Scores are a screening aid, never a diagnosis.',
          headers: keyHeaders,
          body: batchRequestSchema(config.maxBatchSize),
          response: { 200: batchResponseSchema, ...errorResponses },
        },
      },
      async (request) => ({
        predictions: service.predictBatch(
          request.body.records,
          requestKeyOf(request.headers, request.id),
        ),
      }),
    );

    app.post(
      '/v1/feedback',
      {
        config: { access: 'predict' },
        schema: {
          tags: ['predictions'],
          summary: 'Ground truth for an earlier prediction',
          description:
            'Joins a label that arrived later (e.g. PHQ-9 ≥ 10) to the prediction logged under ' +
            '`requestKey`; the rollout analysis compares versions on these labels. One label ' +
            'per key: a second one is refused (409), never replaces the first. Keys of survey ' +
            'responses (`survey:…`) are labelled by the survey itself.',
          body: feedbackRequestSchema,
          response: { 202: feedbackResponseSchema, 400: problemSchema, 409: problemSchema },
        },
      },
      async (request, reply) => {
        const { requestKey, label } = request.body;
        if (isSurveyKey(requestKey)) throw reservedKey('body.requestKey');
        const matched = await service.recordOutcome(requestKey, label);
        return reply.status(202).send({ requestKey, label, matched });
      },
    );

    app.get(
      '/v1/serving/status',
      {
        config: { access: 'viewer' },
        schema: {
          tags: ['predictions'],
          summary: 'Versions served, router mode and prediction-log counters',
          response: { 200: z.looseObject({ model: z.string(), mode: z.string() }) },
        },
      },
      async () => ({ ...service.status() }),
    );
  };
}
