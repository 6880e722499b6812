import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job, type JobType as BullJobType } from 'bullmq';
import { Redis } from 'ioredis';
import { redactUrl } from '../redact-url.js';
import { DomainError, errorMessage, isRetryable } from '../../errors.js';
import {
  emptyCounts,
  jobStates,
  type CloseOptions,
  type EnqueueOptions,
  type JobContext,
  type JobCounts,
  type JobHandlers,
  type JobId,
  type JobInfo,
  type JobInput,
  type JobProgress,
  type JobQueue,
  type JobSchema,
  type JobState,
  type ListOptions,
  type QueueLogger,
  type WorkOptions,
} from './job-queue.js';
import { assertHandlersCover, assertValidJobId, handlerFor, parsePayload } from './payload.js';
import { timeout, waitUntilFinished } from './wait.js';

export interface BullmqQueueOptions<S extends JobSchema> {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Key prefix: every Redis key of this queue starts with it. */
  prefix: string;
  name: string;
  schema: S;
  defaults: { attempts: number; backoffMs: number; concurrency: number };
  /** When Redis may evict keys (see QueueSettings). */
  evictionCheck: 'warn' | 'refuse';
  /** How long a worker's lock on a job lasts unrenewed; stalled jobs are checked as often. */
  lockDurationMs: number;
  log: QueueLogger;
}

/** BullMQ states behind each of ours. */
const bullStates: Record<JobState, BullJobType[]> = {
  waiting: ['waiting', 'prioritized', 'waiting-children'],
  delayed: ['delayed'],
  active: ['active'],
  completed: ['completed'],
  failed: ['failed'],
};

const PING_TIMEOUT_MS = 2000;
/** After aborting jobs on a close timeout, how long handlers get to notice before we stop waiting. */
const ABORT_GRACE_MS = 1000;

/** Finished jobs are kept for the board, `getJob` and jobId dedup, but not forever. */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 30 * 24 * 3600, count: 10_000 };

// Lets board.ts reach the BullMQ queue without widening the JobQueue interface.
const bullQueues = new WeakMap<object, Queue>();

/** The BullMQ queue behind a `JobQueue`, or undefined for other backends. */
export function bullQueueOf(queue: object): Queue | undefined {
  return bullQueues.get(queue);
}

/**
 * The distributed queue: jobs in Redis through BullMQ, so any number of `sdp worker`
 * processes on any machines share the work.
 */
export class BullmqJobQueue<S extends JobSchema> implements JobQueue<S> {
  readonly kind = 'bullmq' as const;
  readonly location: string;
  readonly name: string;

  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private closed = false;

  constructor(private readonly options: BullmqQueueOptions<S>) {
    this.name = options.name;
    this.location = redactUrl(options.url);
    this.connection = this.connect();
    this.queue = new Queue(options.name, {
      connection: this.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
    });
    this.queue.on('error', (error) =>
      options.log.error({ queue: this.name, err: error }, 'bullmq queue error'),
    );
    bullQueues.set(this, this.queue);
  }

  async enqueue(input: JobInput<S>, options: EnqueueOptions = {}): Promise<JobId> {
    this.assertOpen();
    const payload = parsePayload(this.options.schema, input);
    if (options.jobId !== undefined) assertValidJobId(options.jobId);
    // Our ids rather than BullMQ's counter, so ids look alike on both backends.
    const id = options.jobId ?? randomUUID();
    await this.queue.add(payload.type, payload, {
      jobId: id,
      attempts: options.attempts ?? this.options.defaults.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? this.options.defaults.backoffMs },
      delay: options.delayMs,
    });
    return id as JobId;
  }

  async work(handlers: JobHandlers<S>, options: WorkOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.worker) throw new Error(`Queue ${this.name} is already working`);
    assertHandlersCover(this.options.schema, handlers);
    await this.checkEvictionPolicy();
    this.workerConnection = this.connect();
    const concurrency = options.concurrency ?? this.options.defaults.concurrency;
    // Three parameters: BullMQ passes the abort signal only to processors that declare it.
    this.worker = new Worker(
      this.name,
      (job: Job, _token?: string, signal?: AbortSignal) => this.process(handlers, job, signal),
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.lockDurationMs,
      },
    );
    this.worker.on('error', (error) =>
      this.options.log.error({ queue: this.name, err: error }, 'bullmq worker error'),
    );
    this.worker.on('failed', (job, error) =>
      this.options.log.warn(
        { queue: this.name, jobId: job?.id, attempt: job?.attemptsMade, err: error },
        'job attempt failed',
      ),
    );
    await this.worker.waitUntilReady();
    this.options.log.info(
      { queue: this.name, concurrency, worker: this.worker.id },
      'bullmq worker started',
    );
  }

  async getJob(id: JobId): Promise<JobInfo | undefined> {
    // State first, then the job hash: read the other way round, a job finishing in between
    // would show as failed (or completed) without its error (or result) yet.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    return toInfo(job, fromBullState(state));
  }

  waitForJob(id: JobId, options: { timeoutMs?: number } = {}): Promise<JobInfo> {
    return waitUntilFinished((jobId) => this.getJob(jobId), id, options.timeoutMs ?? 60_000);
  }

  async list(options: ListOptions = {}): Promise<JobInfo[]> {
    const limit = options.limit ?? 50;
    const states = options.state ? [options.state] : jobStates;
    // One call per state, so each job's state is known without a round trip per job.
    const perState = await Promise.all(
      states.map(async (state) => {
        const jobs = await this.queue.getJobs(bullStates[state], 0, limit - 1, false);
        return jobs.filter(Boolean).map((job) => toInfo(job, state));
      }),
    );
    return perState
      .flat()
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }

  async counts(): Promise<JobCounts> {
    const raw = await this.queue.getJobCounts(...Object.values(bullStates).flat());
    const counts = emptyCounts();
    for (const state of jobStates) {
      counts[state] = bullStates[state].reduce((sum, bullState) => sum + (raw[bullState] ?? 0), 0);
    }
    return counts;
  }

  async ping(): Promise<void> {
    const limit = timeout(PING_TIMEOUT_MS);
    try {
      const answer = await Promise.race([this.connection.ping(), limit.promise]);
      if (answer === 'timeout')
        throw new Error(`Redis did not answer within ${PING_TIMEOUT_MS} ms`);
    } finally {
      limit.cancel();
    }
  }

  describe(): string {
    return `bullmq ${this.location} prefix=${this.options.prefix} queue=${this.name}`;
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.worker) await this.closeWorker(this.worker, options.timeoutMs ?? 30_000);
    await this.queue.close();
    await quit(this.connection);
    if (this.workerConnection) await quit(this.workerConnection);
  }

  /**
   * Stops fetching at once and waits for running jobs. On timeout their signals are aborted;
   * a job whose handler still does not return is left to BullMQ's stalled-job check, which
   * hands it to another worker once its lock expires.
   */
  private async closeWorker(worker: Worker, timeoutMs: number): Promise<void> {
    const closing = worker.close();
    const grace = timeout(timeoutMs);
    const outcome = await Promise.race([closing, grace.promise]);
    grace.cancel();
    if (outcome !== 'timeout') return;
    worker.cancelAllJobs('worker closing');
    const abortGrace = timeout(ABORT_GRACE_MS);
    const afterAbort = await Promise.race([closing, abortGrace.promise]);
    abortGrace.cancel();
    if (afterAbort === 'timeout') {
      closing.catch(() => {});
      this.options.log.warn(
        { queue: this.name },
        'closed with jobs still running; BullMQ will retry them as stalled',
      );
    }
  }

  private async process(
    handlers: JobHandlers<S>,
    job: Job,
    signal?: AbortSignal,
  ): Promise<unknown> {
    let payload;
    try {
      payload = parsePayload(this.options.schema, job.data);
    } catch (error) {
      // Data that bypassed enqueue (written to Redis by hand or by an older release):
      // retrying cannot fix it.
      throw new UnrecoverableError(errorMessage(error));
    }
    const ctx: JobContext = {
      id: job.id as JobId,
      attempt: job.attemptsStarted,
      maxAttempts: job.opts.attempts ?? 1,
      signal: signal ?? new AbortController().signal,
      progress: (value: JobProgress) =>
        job
          .updateProgress(value)
          .catch((error: unknown) =>
            this.options.log.warn(
              { queue: this.name, jobId: job.id, err: error },
              `could not record the progress of job ${job.id}: ${errorMessage(error)}`,
            ),
          ),
    };
    try {
      return await handlerFor(handlers, payload)(payload, ctx);
    } catch (error) {
      // BullMQ's own signal for "do not try again".
      if (!isRetryable(error)) throw new UnrecoverableError(errorMessage(error));
      throw error;
    }
  }

  /** BullMQ's documented requirement: Redis never evicts keys (an evicted job is lost or run twice). */
  private async checkEvictionPolicy(): Promise<void> {
    // INFO, not CONFIG GET: managed Redis services often disable CONFIG.
    const info = await this.connection.info('memory');
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    if (policy === 'noeviction') return;
    const message =
      `Redis at ${this.location} may evict keys (maxmemory-policy ${policy}); BullMQ needs ` +
      '"noeviction", or jobs can be lost or run twice. Set maxmemory-policy noeviction in ' +
      'redis.conf (or CONFIG SET), or queue.evictionCheck=warn to run anyway.';
    if (this.options.evictionCheck === 'refuse') throw DomainError.invalid(message);
    this.options.log.warn({ queue: this.name, policy }, message);
  }

  private connect(): Redis {
    // BullMQ requires maxRetriesPerRequest: null so that its blocking commands wait out a
    // Redis restart instead of failing.
    const redis = new Redis(this.options.url, { maxRetriesPerRequest: null });
    redis.on('error', (error) =>
      this.options.log.error({ queue: this.name, err: error }, 'redis connection error'),
    );
    return redis;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
  }
}

function fromBullState(state: string): JobState {
  switch (state) {
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      // waiting, prioritized, waiting-children; 'unknown' only if the job vanished meanwhile.
      return 'waiting';
  }
}

function toInfo(job: Job, state: JobState): JobInfo {
  return {
    id: job.id as JobId,
    name: job.name,
    payload: job.data,
    state,
    progress: (job.progress as JobProgress | undefined) ?? 0,
    result: job.returnvalue ?? null,
    error: job.failedReason || null,
    attemptsMade: Math.max(job.attemptsMade, job.attemptsStarted ?? 0),
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    startedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
