import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/schema.js';
import { redactUrl } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { BullmqJobQueue } from './bullmq-queue.js';
import { InlineJobQueue, type InlineTuning } from './inline-queue.js';
import { silentLogger, type JobQueue, type JobSchema, type QueueLogger } from './job-queue.js';

export interface CreateJobQueueOptions<S extends JobSchema> {
  config: Pick<Config, 'queue' | 'database' | 'dataDir'>;
  /** The database the inline backend keeps its jobs in; unused by BullMQ. */
  db?: Kysely<Database>;
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
 * const queue = createJobQueue({ config, db, schema: jobs, log });
 * await queue.work({ train: async ({ runId }, ctx) => { await ctx.progress(50); return { runId } } });
 * const id = await queue.enqueue({ type: 'train', runId: 'r1' }, { attempts: 3 });
 * const done = await queue.waitForJob(id, { timeoutMs: 60_000 });
 */
export function createJobQueue<S extends JobSchema>(
  options: CreateJobQueueOptions<S>,
): JobQueue<S> {
  const { config, schema } = options;
  const log = options.log ?? silentLogger;
  const name = options.name ?? 'jobs';
  const defaults = {
    attempts: config.queue.attempts,
    backoffMs: config.queue.backoffMs,
    concurrency: config.queue.concurrency,
  };
  if (config.queue.url !== 'inline') {
    return new BullmqJobQueue({
      url: config.queue.url,
      prefix: config.queue.prefix,
      name,
      schema,
      defaults,
      log,
    });
  }
  if (!options.db) throw new Error('queue.url is "inline": the job queue needs the database');
  const embedded = config.database.url === 'embedded';
  return new InlineJobQueue({
    db: options.db,
    exclusive: embedded,
    location: embedded ? path.resolve(config.dataDir, 'pgdata') : redactUrl(config.database.url),
    name,
    schema,
    defaults,
    log,
    tuning: options.inline,
  });
}
