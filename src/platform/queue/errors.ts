import type { z } from 'zod';

/**
 * Thrown by a handler when trying again cannot help (bad input, a missing dataset): the job
 * fails at once, whatever attempts remain. The BullMQ backend maps it to BullMQ's
 * `UnrecoverableError`.
 */
export class UnrecoverableJobError extends Error {
  override name = 'UnrecoverableJobError';
}

/** A payload that does not match the queue's schema: at enqueue (nothing added) or in a worker. */
export class InvalidJobPayloadError extends UnrecoverableJobError {
  override name = 'InvalidJobPayloadError';
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super(`Invalid job payload: ${describeIssues(issues)}`);
  }
}

/** `waitForJob` ran out of time before the job finished. */
export class JobWaitTimeoutError extends Error {
  override name = 'JobWaitTimeoutError';
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super(`Job ${jobId} did not finish within ${timeoutMs} ms`);
  }
}

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`No job with id ${jobId}`);
  }
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** The message stored for a failed attempt; handlers may throw anything. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
