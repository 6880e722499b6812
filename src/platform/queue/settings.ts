import { z } from 'zod';

/** The `queue` section: the in-process queue, or BullMQ on Redis, and job defaults. */
export const queueSettingsSchema = z.strictObject({
  url: z.string().refine((url) => url === 'inline' || /^rediss?:\/\//.test(url), {
    message: 'must be "inline" or a redis:// URL',
  }),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
  concurrency: z.number().int().min(1).max(64),
  attempts: z.number().int().min(1).max(100),
  backoffMs: z.number().int().min(0),
  /**
   * What a worker does when Redis may evict keys (maxmemory-policy other than noeviction,
   * which BullMQ requires: an evicted job key is a lost or repeated job): log a warning, or
   * refuse to start.
   */
  evictionCheck: z.enum(['warn', 'refuse']),
  /**
   * BullMQ: how long a worker's hold on a running job lasts without renewal (renewed every
   * half of it). A worker silent for longer (Redis frozen, the process stalled) loses the job
   * to another worker; training jobs are idempotent, so that never trains twice.
   */
  lockDurationMs: z.number().int().min(500).max(3_600_000),
});
export type QueueSettings = z.infer<typeof queueSettingsSchema>;
