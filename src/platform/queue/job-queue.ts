import type { z } from 'zod';

/**
 * The schema of every job a queue carries: a zod discriminated union keyed by `type`, e.g.
 * `z.discriminatedUnion('type', [z.object({ type: z.literal('train'), … }), …])`.
 * Payloads must survive a JSON round trip and re-parse to themselves (no transforms that
 * change types, no Dates): they are parsed at enqueue, stored as JSON and parsed again by
 * the worker.
 */
export type JobSchema = z.ZodDiscriminatedUnion<
  readonly z.ZodObject<{ type: z.ZodLiteral<string> }>[],
  'type'
>;

/** A parsed payload of the union. */
export type JobPayload<S extends JobSchema> = z.output<S>;
/** What `enqueue` accepts: the union's input shape (before defaults). */
export type JobInput<S extends JobSchema> = z.input<S>;
/** The job types of the union, e.g. `'train' | 'ingest'`. */
export type JobType<S extends JobSchema> = JobPayload<S>['type'];
/** The payload of one job type. */
export type PayloadOf<S extends JobSchema, T extends JobType<S>> = Extract<
  JobPayload<S>,
  { type: T }
>;

/** A job's id. Branded so that it cannot be mixed with other string ids. */
export type JobId = string & { readonly __brand: 'JobId' };

/**
 * States common to both backends. `delayed` covers both `delay` and the wait before a retry;
 * BullMQ's `prioritized`, `paused` and `waiting-children` are reported as `waiting`.
 */
export const jobStates = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof jobStates)[number];
export type JobCounts = Record<JobState, number>;

/** Progress a handler reports: a percentage or any JSON object (e.g. `{ fold: 3, of: 5 }`). */
export type JobProgress = number | Record<string, unknown>;

/** A snapshot of one job, the same on both backends. */
export interface JobInfo {
  id: JobId;
  /** The payload's `type`. */
  name: string;
  /** The payload as stored (it was valid when enqueued through this API). */
  payload: unknown;
  state: JobState;
  progress: JobProgress;
  /** The handler's return value once completed (JSON round-tripped), else null. */
  result: unknown;
  /** Message of the last error: the final one when failed, the previous attempt's while retrying. */
  error: string | null;
  /** Attempts started so far, including the current one while active. */
  attemptsMade: number;
  maxAttempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface EnqueueOptions {
  /** Total tries, the first included. Default: `queue.attempts` from config. */
  attempts?: number;
  /** Base of the exponential backoff between tries (base, 2×base, 4×base…). Default: `queue.backoffMs`. */
  backoffMs?: number;
  /**
   * Idempotency key: enqueuing again with the id of a job that still exists (in any state)
   * adds nothing and returns that id. Must not contain `:` nor be a plain integer (BullMQ
   * reserves those).
   */
  jobId?: string;
  /** Wait this long before the first try. */
  delayMs?: number;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  id: JobId;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  /**
   * Records progress, visible through `getJob` while the job runs. Never rejects: progress is
   * advice, and a queue that lost the job (Redis restarted without its data) must not fail or
   * crash the work — the failure is logged instead.
   */
  progress(value: JobProgress): Promise<void>;
  /** Aborted when the worker is closing and its grace period has run out. */
  signal: AbortSignal;
}

/**
 * One handler per job type; the mapped type makes the map exhaustive, so adding a type to the
 * union fails to compile until it has a handler. The return value (JSON-serialisable) is
 * stored as the job's result.
 */
export type JobHandlers<S extends JobSchema> = {
  [T in JobType<S>]: (payload: PayloadOf<S, T>, ctx: JobContext) => unknown;
};

export interface WorkOptions {
  /** Jobs run at once by this process. Default: `queue.concurrency` from config. */
  concurrency?: number;
}

export interface CloseOptions {
  /**
   * How long to wait for running jobs before abandoning them (their `ctx.signal` is aborted).
   * Abandoned jobs are not lost: the inline backend puts them back for a retry at once (the
   * try counts), BullMQ's stalled-job check hands them to another worker. Default 30 s.
   */
  timeoutMs?: number;
}

export interface ListOptions {
  state?: JobState;
  /** Default 50. */
  limit?: number;
}

/** Which engine carries the jobs. */
export type QueueKind = 'bullmq' | 'inline';

/**
 * A typed job queue: producers `enqueue`, worker processes `work`. Both backends (BullMQ on
 * Redis, inline in the database) pass one conformance suite (see conformance.ts).
 */
export interface JobQueue<S extends JobSchema> {
  readonly kind: QueueKind;
  /** Where jobs live, without secrets (for /readyz and logs). */
  readonly location: string;
  /** The queue name (jobs of different names never mix). */
  readonly name: string;

  /**
   * Validates the payload and adds a job. Throws an `invalid` error (nothing enqueued)
   * when the payload does not match the schema.
   */
  enqueue(payload: JobInput<S>, options?: EnqueueOptions): Promise<JobId>;
  /** Starts taking jobs in this process. Call once per queue instance. */
  work(handlers: JobHandlers<S>, options?: WorkOptions): Promise<void>;

  getJob(id: JobId): Promise<JobInfo | undefined>;
  /**
   * Resolves with the job once it is completed or failed (a failed job resolves, it does not
   * reject). Rejects with an `unavailable` error after `timeoutMs`, `not_found` if
   * there is no such job.
   */
  waitForJob(id: JobId, options?: { timeoutMs?: number }): Promise<JobInfo>;
  /** Newest first. */
  list(options?: ListOptions): Promise<JobInfo[]>;
  counts(): Promise<JobCounts>;

  /** Resolves when the backing store answers; rejects otherwise (bounded in time). */
  ping(): Promise<void>;
  /** One line for logs, e.g. `bullmq redis://h:6379 prefix=sdp queue=jobs`. */
  describe(): string;
  /** Stops taking jobs, waits for running ones (up to a timeout), releases connections. */
  close(options?: CloseOptions): Promise<void>;
}

/** The subset of a pino logger the queue uses. */
export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: QueueLogger = { info() {}, warn() {}, error() {} };

/** Turns an id read at a boundary (CLI argument, URL) into a `JobId`. */
export function toJobId(raw: string): JobId {
  return raw as JobId;
}

export function emptyCounts(): JobCounts {
  return { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
}
