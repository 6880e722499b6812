/**
 * The one error vocabulary of sdp. Every module below the CLI and the HTTP app throws a
 * `DomainError` when a caller can act on what went wrong; anything else is a bug or an
 * outage nobody foresaw. Each kind is translated exactly once per edge:
 *
 * | kind           | HTTP (problem+json) | CLI exit code | job            |
 * | -------------- | ------------------- | ------------- | -------------- |
 * | `invalid`      | 400                 | 2             | fails, no retry |
 * | `not_found`    | 404                 | 1             | fails, no retry |
 * | `conflict`     | 409                 | 1             | fails, no retry |
 * | `unauthenticated` | 401              | 1             | fails, no retry |
 * | `forbidden`    | 403                 | 1             | fails, no retry |
 * | `rate_limited` | 429                 | 75            | retried        |
 * | `unavailable`  | 503                 | 75            | retried        |
 * | anything else  | 500 (logged)        | 1             | retried        |
 *
 * (src/platform/http/problem.ts, src/cli/main.ts and `isRetryable` below.) 75 is EX_TEMPFAIL:
 * try again later.
 */
export const ERROR_KINDS = [
  'invalid',
  'not_found',
  'conflict',
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'unavailable',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** One bad part of an input: a request field, a config key, a job payload path. */
export interface ErrorDetail {
  /** Where, e.g. `body.age`, `server.port` or `(root)`. */
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  /** Every bad part of the input, when there are several (listed by every edge). */
  details?: readonly ErrorDetail[];
  /** A finer, machine-readable reason within the kind, e.g. `binary` for a CSV file. */
  code?: string;
  /** With `rate_limited` or `unavailable`: when trying again makes sense. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A failure the caller can act on, with a message written for the person who will read it
 * (it says what exists or what to do instead).
 *
 * @example throw DomainError.notFound(`No dataset "${ref}" (see \`sdp datasets list\`).`);
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly details: readonly ErrorDetail[];
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    // No stack trace: a domain error is an expected outcome that speaks through its message
    // (and its cause's stack, if any), and capturing one cost a tenth of a rate-limited
    // request (docs/benchmarks.md).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.details = options.details ?? [];
    this.code = options.code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static invalid(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('invalid', message, options);
  }
  static notFound(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('not_found', message, options);
  }
  static conflict(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('conflict', message, options);
  }
  /** No identity, or one that is not valid (any more): the caller must authenticate. */
  static unauthenticated(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('unauthenticated', message, options);
  }
  static forbidden(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('forbidden', message, options);
  }
  static rateLimited(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('rate_limited', message, options);
  }
  static unavailable(message: string, options?: DomainErrorOptions): DomainError {
    return new DomainError('unavailable', message, options);
  }
}

/** Whether `error` is a `DomainError`, of the given kind when one is named. */
export function isDomainError(error: unknown, kind?: ErrorKind): error is DomainError {
  return error instanceof DomainError && (kind === undefined || error.kind === kind);
}

/**
 * Whether a job that failed with `error` may succeed on another try: bad input, a missing
 * thing, a clash or a refusal stay so; an outage or an unforeseen error may pass.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof DomainError)) return true;
  return error.kind === 'unavailable' || error.kind === 'rate_limited';
}

/**
 * One line for a log or a failed job: the message of anything thrown (handlers and libraries
 * may throw non-errors), with a domain error's details.
 */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message || error.name;
  if (!(error instanceof DomainError) || error.details.length === 0) return message;
  return `${message}: ${error.details.map((d) => `${d.field}: ${d.message}`).join('; ')}`;
}
