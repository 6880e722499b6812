import type { z } from 'zod';
import { DomainError } from '../../errors.js';

/**
 * The queue's own failures, as domain errors with a `code` each. Whether a failed job is tried
 * again follows from its error's kind (`isRetryable` in src/errors.ts): a handler throws an
 * `invalid` or `not_found` error, say, when trying again cannot help.
 */
export const QUEUE_ERROR_CODES = {
  invalidPayload: 'invalid_job_payload',
  jobNotFound: 'job_not_found',
  waitTimeout: 'job_wait_timeout',
} as const;

/** A payload that does not match the queue's schema: at enqueue (nothing added) or in a worker. */
export function invalidJobPayload(
  issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[],
): DomainError {
  return DomainError.invalid('Invalid job payload', {
    code: QUEUE_ERROR_CODES.invalidPayload,
    details: issues.map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : '(root)',
      message: issue.message,
    })),
  });
}

export function jobNotFound(jobId: string): DomainError {
  return DomainError.notFound(`No job with id ${jobId}`, { code: QUEUE_ERROR_CODES.jobNotFound });
}

/** `waitForJob` ran out of time before the job finished. */
export function jobWaitTimeout(jobId: string, timeoutMs: number): DomainError {
  return DomainError.unavailable(`Job ${jobId} did not finish within ${timeoutMs} ms`, {
    code: QUEUE_ERROR_CODES.waitTimeout,
  });
}
