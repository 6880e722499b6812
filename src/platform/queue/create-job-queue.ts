import type { DatabaseHandle } from '../db/database.js';
import { BullmqJobQueue } from './bullmq-queue.js';
import { InlineJobQueue, type InlineTuning } from './inline-queue.js';
import { silentLogger, type JobQueue, type JobSchema, type QueueLogger } from './job-queue.js';
import type { QueueSettings } from './settings.js';

export interface CreateJobQueueOptions<S extends JobSchema> {
  settings: QueueSettings;
  /** The database the inline backend keeps its jobs in; unused by BullMQ. */
  database?: Pick<DatabaseHandle, 'db' | 'exclusive' | 'location'>;
  /** The zod discriminated union (keyed by `type`) of every job this queue carries. */
  schema: S;
  log?: QueueLogger;
  /** Queue name: BullMQ queue name or the `job.queue` column. Default `jobs`. */
  name?: string;
  /** Inline backend timing (tests shorten it). */
  inline?: InlineTuning;
}

/**
 * Opens the configured job queue: BullMQ for a `redis://` (or `rediss://`) `queue.url`, the
 * in-process backend over the database for `inline`. Connections open lazily, so this is
 * synchronous; `ping()` tells whether the backend answers.
 *
 * @example
 * const jobs = z.discriminatedUnion('type', [z.object({ type: z.literal('train'), runId: z.string() })]);
 * const queue = createJobQueue({ settings: config.queue, database, schema: jobs, log });
 * await queue.work({ train: async ({ runId }, ctx) => { await ctx.progress(50); return { runId } } });
 * const id = await queue.enqueue({ type: 'train', runId: 'r1' }, { attempts: 3 });
 * const done = await queue.waitForJob(id, { timeoutMs: 60_000 });
 */
export function createJobQueue<S extends JobSchema>(
  options: CreateJobQueueOptions<S>,
): JobQueue<S> {
  const { settings, schema } = options;
  const log = options.log ?? silentLogger;
  const name = options.name ?? 'jobs';
  const defaults = {
    attempts: settings.attempts,
    backoffMs: settings.backoffMs,
    concurrency: settings.concurrency,
  };
  if (settings.url !== 'inline') {
    return new BullmqJobQueue({
      url: settings.url,
      prefix: settings.prefix,
      name,
      schema,
      defaults,
      evictionCheck: settings.evictionCheck,
      lockDurationMs: settings.lockDurationMs,
      log,
    });
  }
  const { database } = options;
  if (!database) throw new Error('queue.url is "inline": the job queue needs the database');
  return new InlineJobQueue({
    db: database.db,
    // A database no other process could reach at open: any job left active is orphaned.
    exclusive: database.exclusive,
    location: database.location,
    name,
    schema,
    defaults,
    log,
    tuning: options.inline,
  });
}
