import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { retryDelayMs } from './backoff.js';
import { errorMessage, isRetryable } from '../../errors.js';
import { InlineJobStore, type JobRow, type Lease } from './inline-store.js';
import type {
  CloseOptions,
  EnqueueOptions,
  JobContext,
  JobCounts,
  JobHandlers,
  JobId,
  JobInfo,
  JobInput,
  JobQueue,
  JobSchema,
  ListOptions,
  QueueLogger,
  WorkOptions,
} from './job-queue.js';
import { assertHandlersCover, assertValidJobId, handlerFor, parsePayload } from './payload.js';
import { timeout, waitUntilFinished } from './wait.js';

/** Timing of the inline backend; the defaults suit production, tests shorten them. */
export interface InlineTuning {
  /** How often an idle worker looks for jobs enqueued by other processes. Default 1000. */
  pollIntervalMs?: number;
  /** How often a worker marks its running jobs as alive. Default 5000. */
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken as orphaned. Default 30000. */
  staleAfterMs?: number;
}

export interface InlineQueueOptions<S extends JobSchema> {
  db: Kysely<Database>;
  /**
   * No other process could reach the database when it was opened: any job another instance
   * left active is orphaned. Otherwise (shared PostgreSQL) only a stale heartbeat proves it.
   */
  exclusive: boolean;
  /** Where the database is, without secrets. */
  location: string;
  schema: S;
  name: string;
  defaults: { attempts: number; backoffMs: number; concurrency: number };
  log: QueueLogger;
  tuning?: InlineTuning;
}

/** After aborting jobs on a close timeout, how long handlers get to notice before close returns. */
const ABORT_GRACE_MS = 1000;

interface Running {
  done: Promise<void>;
  controller: AbortController;
}

/**
 * The embedded-mode queue: jobs live in the database's `job` table and run in this process.
 * Job state survives a restart: a worker starting up puts back the jobs a dead worker left
 * active (retried if tries remain, else failed), so nothing is silently lost.
 */
export class InlineJobQueue<S extends JobSchema> implements JobQueue<S> {
  readonly kind = 'inline' as const;
  readonly location: string;
  readonly name: string;

  private readonly store: InlineJobStore;
  /** This instance's identity in `locked_by`: unique per process start. */
  private readonly owner = `inline-${randomUUID()}`;
  private readonly events = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private readonly pollIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private handlers?: JobHandlers<S>;
  private concurrency = 1;
  private loop?: Promise<void>;
  private heartbeatTimer?: NodeJS.Timeout;
  private wakeLoop?: () => void;
  private closed = false;

  constructor(private readonly options: InlineQueueOptions<S>) {
    this.name = options.name;
    this.location = options.location;
    this.store = new InlineJobStore(options.db, options.name);
    this.pollIntervalMs = options.tuning?.pollIntervalMs ?? 1000;
    this.heartbeatMs = options.tuning?.heartbeatMs ?? 5000;
    this.staleAfterMs = options.tuning?.staleAfterMs ?? 30_000;
    this.events.setMaxListeners(0);
  }

  async enqueue(input: JobInput<S>, options: EnqueueOptions = {}): Promise<JobId> {
    this.assertOpen();
    const payload = parsePayload(this.options.schema, input);
    if (options.jobId !== undefined) assertValidJobId(options.jobId);
    const id = options.jobId ?? randomUUID();
    await this.store.insert({
      id,
      name: payload.type,
      payload,
      maxAttempts: options.attempts ?? this.options.defaults.attempts,
      backoffMs: options.backoffMs ?? this.options.defaults.backoffMs,
      delayMs: options.delayMs ?? 0,
    });
    this.wakeLoop?.();
    return id as JobId;
  }

  async work(handlers: JobHandlers<S>, options: WorkOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.handlers) throw new Error(`Queue ${this.name} is already working`);
    assertHandlersCover(this.options.schema, handlers);
    this.handlers = handlers;
    this.concurrency = options.concurrency ?? this.options.defaults.concurrency;

    const which = this.options.exclusive
      ? { notOwner: this.owner }
      : { staleAfterMs: this.staleAfterMs };
    await this.recoverOrphans(which);

    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
    this.loop = this.takeJobs();
    this.options.log.info(
      { queue: this.name, concurrency: this.concurrency, owner: this.owner },
      'inline queue worker started',
    );
  }

  getJob(id: JobId): Promise<JobInfo | undefined> {
    return this.store.get(id);
  }

  waitForJob(id: JobId, options: { timeoutMs?: number } = {}): Promise<JobInfo> {
    return waitUntilFinished(
      (jobId) => this.getJob(jobId),
      id,
      options.timeoutMs ?? 60_000,
      (jobId, wake) => {
        this.events.on(`finished:${jobId}`, wake);
        return () => this.events.off(`finished:${jobId}`, wake);
      },
    );
  }

  list(options: ListOptions = {}): Promise<JobInfo[]> {
    return this.store.list(options.state, options.limit ?? 50);
  }

  counts(): Promise<JobCounts> {
    return this.store.counts();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.options.db);
  }

  describe(): string {
    return `inline (database ${this.location}) queue=${this.name}`;
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.wakeLoop?.();
    await this.loop;

    const jobs = [...this.running.values()];
    if (!jobs.length) return;
    const grace = timeout(options.timeoutMs ?? 30_000);
    const outcome = await Promise.race([
      Promise.allSettled(jobs.map((job) => job.done)),
      grace.promise,
    ]);
    grace.cancel();
    if (outcome !== 'timeout') return;

    // Release first, then abort: the aborted handlers' own failure writes then find the
    // lease gone and are ignored, so the outcome is always "put back", never a backoff.
    const report = await this.store.recover(
      { owner: this.owner },
      'interrupted: the worker closed before the job finished',
    );
    for (const job of jobs) job.controller.abort(new Error('worker closing'));
    // A moment for handlers that honour the signal to unwind before their resources go.
    const unwind = timeout(ABORT_GRACE_MS);
    await Promise.race([Promise.allSettled(jobs.map((job) => job.done)), unwind.promise]);
    unwind.cancel();
    this.options.log.warn(
      { queue: this.name, ...report },
      'closed with jobs still running; they were put back',
    );
  }

  /** The worker loop: claim as many due jobs as there are free slots, else sleep until woken. */
  private async takeJobs(): Promise<void> {
    while (!this.closed) {
      let idleMs = this.pollIntervalMs;
      const free = this.concurrency - this.running.size;
      if (free > 0) {
        try {
          const claimed = await this.store.claim(this.owner, free);
          for (const row of claimed) this.start(row);
          if (claimed.length === free) continue;
          const nextDue = await this.store.msUntilNextDue();
          if (nextDue !== undefined) idleMs = Math.min(idleMs, Math.max(nextDue, 1));
        } catch (error) {
          if (this.closed) return;
          this.options.log.error(
            { queue: this.name, err: error },
            'inline queue could not take jobs',
          );
        }
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, idleMs);
        this.wakeLoop = wake;
        function wake() {
          clearTimeout(timer);
          resolve();
        }
      });
      this.wakeLoop = undefined;
    }
  }

  private start(row: JobRow): void {
    const controller = new AbortController();
    const done = this.execute(row, controller.signal).finally(() => {
      this.running.delete(row.id);
      this.events.emit(`finished:${row.id}`);
      this.wakeLoop?.();
    });
    this.running.set(row.id, { done, controller });
  }

  private async execute(row: JobRow, signal: AbortSignal): Promise<void> {
    const lease: Lease = { id: row.id, owner: this.owner, attempt: row.attempts_made };
    const ctx: JobContext = {
      id: row.id as JobId,
      attempt: row.attempts_made,
      maxAttempts: row.max_attempts,
      signal,
      progress: (value) =>
        this.store.setProgress(lease, value).then(
          () => undefined,
          (error: unknown) =>
            this.options.log.warn(
              { queue: this.name, jobId: row.id, err: error },
              `could not record the progress of job ${row.id}: ${errorMessage(error)}`,
            ),
        ),
    };
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    try {
      const payload = parsePayload(this.options.schema, row.payload);
      outcome = { ok: true, result: await handlerFor(this.handlers!, payload)(payload, ctx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    try {
      if (outcome.ok) {
        const recorded = await this.store.complete(lease, outcome.result);
        if (!recorded)
          this.options.log.warn(
            { queue: this.name, jobId: row.id },
            'job finished after its lease was lost; result dropped',
          );
        return;
      }
      await this.recordFailure(row, lease, outcome.error);
    } catch (error) {
      // The database refused the outcome: the job stays active under this owner, and the
      // next start (or a live worker's stale check) puts it back.
      this.options.log.error(
        { queue: this.name, jobId: row.id, err: error },
        'could not record job outcome',
      );
    }
  }

  private async recordFailure(row: JobRow, lease: Lease, error: unknown): Promise<void> {
    const retry = isRetryable(error) && lease.attempt < row.max_attempts;
    const message = errorMessage(error);
    await this.store.fail(
      lease,
      message,
      retry ? retryDelayMs(row.backoff_ms, lease.attempt) : undefined,
    );
    this.options.log.warn(
      {
        queue: this.name,
        jobId: row.id,
        attempt: lease.attempt,
        maxAttempts: row.max_attempts,
        retry,
        err: error,
      },
      retry ? 'job attempt failed; will retry' : 'job failed',
    );
  }

  private async beat(): Promise<void> {
    try {
      await this.store.heartbeat(this.owner);
      // Also rescues jobs of workers that died while this one runs (sharing PostgreSQL, or
      // CLI commands using this process's embedded database), not only at its own start.
      await this.recoverOrphans({ staleAfterMs: this.staleAfterMs });
    } catch (error) {
      this.options.log.error({ queue: this.name, err: error }, 'inline queue heartbeat failed');
    }
  }

  private async recoverOrphans(
    which: { notOwner: string } | { staleAfterMs: number },
  ): Promise<void> {
    const report = await this.store.recover(
      which,
      'interrupted: the worker running the job stopped',
    );
    if (report.retried.length || report.failed.length) {
      this.options.log.warn(
        { queue: this.name, ...report },
        'recovered jobs left running by a stopped worker',
      );
      this.wakeLoop?.();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
  }
}
