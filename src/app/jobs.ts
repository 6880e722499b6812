import { z } from 'zod';
import { DatasetRepository } from '../data/dataset-repository.js';
import { IngestError, ingestCsvFile } from '../data/ingest.js';
import { CsvFormatError } from '../data/kaggle-csv.js';
import { UnrecoverableJobError } from '../platform/queue/errors.js';
import type { JobHandlers } from '../platform/queue/job-queue.js';
import type { Runtime } from './runtime.js';

/**
 * Every job sdp puts on its queue, as one discriminated union: parsed when enqueued and again
 * by the worker that takes it, so a malformed payload fails at once and is never retried.
 */
export const appJobSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ingest'),
    /** A CSV path readable by the worker (a shared volume in distributed mode). */
    file: z.string().min(1),
    name: z.string().min(1).max(200).optional(),
    force: z.boolean().optional(),
  }),
]);

export type AppJobSchema = typeof appJobSchema;
export type AppJob = z.infer<AppJobSchema>;

function handlers(runtime: Runtime): JobHandlers<AppJobSchema> {
  return {
    ingest: async (job, ctx) => {
      let lastShare = 0;
      const result = await permanent(
        ingestCsvFile(new DatasetRepository(runtime.database.db), job.file, {
          name: job.name,
          force: job.force,
          settings: runtime.config.data,
          config: runtime.config,
          onProgress: (read, total) => {
            const share = Math.floor((read / total) * 100);
            if (share >= lastShare + 5) {
              lastShare = share;
              void ctx.progress(share);
            }
          },
        }),
      );
      const { datasetId, name, contentHash, rows, quarantined, created } = result;
      return { datasetId, name, contentHash, rows, quarantined, created };
    },
  };
}

/** Bad input stays bad on a retry: such failures end the job at once. */
async function permanent<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof IngestError || error instanceof CsvFormatError) {
      throw new UnrecoverableJobError(error.message);
    }
    throw error;
  }
}

/** Starts taking jobs in this process (roles `all` and `worker`). */
export async function startWorker(runtime: Runtime): Promise<void> {
  await runtime.queue.work(handlers(runtime), { concurrency: runtime.config.queue.concurrency });
}
