import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type ErrorDetail, type ErrorKind } from '../../errors.js';

/** The HTTP status of each error kind (the HTTP side of src/errors.ts). */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
};

/** The schema of a problem document, for the OpenAPI description of error responses. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The one error handler: renders any error as an RFC 9457 problem+json document. A
 * `DomainError` answers with its kind's status and message; unexpected errors are logged and
 * never leak details.
 */
export function sendProblem(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let status = 500;
  let detail: string | undefined;
  let errors: ErrorDetail[] | undefined;

  if (error instanceof DomainError) {
    status = STATUS_OF_KIND[error.kind];
    detail = error.message;
    if (error.details.length) errors = [...error.details];
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', error.retryAfterSeconds);
  } else if (hasZodFastifySchemaValidationErrors(error)) {
    status = 400;
    const part = error.validationContext ?? 'body';
    errors = error.validation.map((issue) => ({
      field: [part, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'invalid',
    }));
    detail = `The request ${part} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`;
  } else if (error instanceof z.ZodError) {
    status = 400;
    errors = error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
    detail = 'The request is invalid.';
  } else if (
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode < 500
  ) {
    // Fastify's own client errors: malformed JSON, body too large, wrong content type, …
    status = error.statusCode;
    detail = error.message;
  } else {
    request.log.error({ err: error }, 'unhandled error');
    detail = 'An unexpected error occurred; it has been logged.';
  }

  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: STATUS_TITLES[status] ?? 'Error',
      status,
      ...(detail ? { detail } : {}),
      instance: request.url,
      requestId: request.id,
      ...(errors ? { errors } : {}),
    });
}
