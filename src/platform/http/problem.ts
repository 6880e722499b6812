import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** One bad field of a request, as listed in a problem document. */
export interface FieldError {
  /** Where the problem is, e.g. `body.age` or `query.limit`. */
  field: string;
  message: string;
}

/**
 * The one HTTP error type: thrown anywhere below a route, rendered by `sendProblem` as an
 * RFC 9457 `application/problem+json` document.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  static badRequest(detail: string, errors?: FieldError[]) {
    return new HttpProblem(400, 'Bad Request', detail, errors);
  }
  static notFound(detail: string) {
    return new HttpProblem(404, 'Not Found', detail);
  }
  static conflict(detail: string) {
    return new HttpProblem(409, 'Conflict', detail);
  }
}

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
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Renders any error as problem+json; unexpected errors are logged and never leak details. */
export function sendProblem(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let status = 500;
  let detail: string | undefined;
  let errors: FieldError[] | undefined;

  if (error instanceof HttpProblem) {
    ({ status, detail, errors } = error);
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
