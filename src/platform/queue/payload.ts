import { DomainError } from '../../errors.js';
import { invalidJobPayload } from './errors.js';
import type { JobContext, JobHandlers, JobPayload, JobSchema } from './job-queue.js';
import {
  findUnstorableText,
  isStorableText,
  STORABLE_TEXT_MESSAGE,
  toStorableText,
} from '../text.js';

/**
 * Parses a payload with the queue's schema; throws an `invalid` error listing every mismatch.
 * Text that cannot be stored (NUL, unpaired surrogates) is refused wherever it sits in what
 * the schema keeps: a job's payload ends up in its run's record.
 */
export function parsePayload<S extends JobSchema>(schema: S, value: unknown): JobPayload<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidJobPayload(parsed.error.issues);
  const unstorable = findUnstorableText(parsed.data);
  if (unstorable !== undefined) {
    throw invalidJobPayload([{ path: unstorable.split('.'), message: STORABLE_TEXT_MESSAGE }]);
  }
  return parsed.data;
}

/** The `type` values the union declares, read from the schema itself. */
export function jobTypesOf(schema: JobSchema): string[] {
  return schema.options.flatMap((option) => [...option.shape.type.values].map(String));
}

/**
 * The compiler already makes the handler map exhaustive; this catches maps built
 * dynamically or cast, before a worker starts and fails jobs one by one.
 */
export function assertHandlersCover<S extends JobSchema>(
  schema: S,
  handlers: JobHandlers<S>,
): void {
  const missing = jobTypesOf(schema).filter(
    (type) => typeof (handlers as Record<string, unknown>)[type] !== 'function',
  );
  if (missing.length) throw new Error(`No job handler for: ${missing.join(', ')}`);
}

/** Looks up the handler for a parsed payload. */
export function handlerFor<S extends JobSchema>(
  handlers: JobHandlers<S>,
  payload: JobPayload<S>,
): (payload: JobPayload<S>, ctx: JobContext) => unknown {
  // The mapped type pairs each type with its own payload; TypeScript cannot follow that
  // correlation through an index, so the lookup is widened here, once.
  const handler = (
    handlers as Record<string, (payload: JobPayload<S>, ctx: JobContext) => unknown>
  )[payload.type as string];
  if (!handler) throw DomainError.invalid(`No handler for job type "${String(payload.type)}"`);
  return handler;
}

/**
 * The same rule on both backends, taken from BullMQ (which reserves `:` as its key
 * separator and plain integers for its own counters), so that ids stay portable.
 */
export function assertValidJobId(jobId: string): void {
  if (!jobId || jobId.includes(':') || /^\d+$/.test(jobId) || !isStorableText(jobId)) {
    throw DomainError.invalid(
      `Invalid jobId "${toStorableText(jobId)}": must be non-empty, without ":", not a plain ` +
        `integer, and ${STORABLE_TEXT_MESSAGE}`,
    );
  }
}
