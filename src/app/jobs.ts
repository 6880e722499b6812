import { z } from 'zod';
import { VERSION } from '../version.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { defaultDataset } from './dataset-source.js';
import { trainModel } from '../training/train-model.js';
import { DatasetRepository } from '../data/dataset-repository.js';
import { IngestError, ingestCsvFile } from '../data/ingest.js';
import { CsvFormatError } from '../data/kaggle-csv.js';
import { UnrecoverableJobError } from '../platform/queue/errors.js';
import type { JobHandlers } from '../platform/queue/job-queue.js';
import type { Runtime } from './runtime.js';
import { runTuneTrialJob, tuneTrialJobSchema } from '../tuning/tune-trial-job.js';

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
  z.object({
    type: z.literal('train'),
    /** Dataset id or name; default: the newest real dataset, else the newest synthetic one. */
    dataset: z.string().min(1).optional(),
    /** Config overrides for the model and train sections, e.g. `["model=gbdt"]`. */
    overrides: z.array(z.string().max(500)).max(50),
  }),
  tuneTrialJobSchema,
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
    train: async (job, ctx) => {
      const { datasets } = runtime.services;
      const { config: jobConfig, groups } = await permanent(
        Promise.resolve().then(() => loadConfig({ overrides: job.overrides })),
      );
      // Infrastructure stays this process's; the job chooses only what to train and how.
      const config = { ...runtime.config, model: jobConfig.model, train: jobConfig.train };
      const dataset = job.dataset
        ? await datasets.resolve(job.dataset)
        : await defaultDataset(datasets);
      if (!dataset) throw new UnrecoverableJobError(`No dataset ${job.dataset ?? 'to train on'}.`);
      const stages = ['load', 'cross-validation', 'fit'];
      const result = await trainModel(runtime.services, {
        dataset,
        config,
        groups,
        codeVersion: `sdp@${VERSION}`,
        onProgress: (stage) =>
          void ctx.progress({ stage, step: stages.indexOf(stage) + 1, of: stages.length }),
      });
      const { runId, model, version, aliases, metrics } = result;
      return { runId, model, version, aliases, metrics };
    },
    'tune-trial': (job, ctx) =>
      runTuneTrialJob(
        { ...runtime.services, db: runtime.database.db, config: runtime.config },
        job,
        ctx,
      ),
  };
}

/** Bad input stays bad on a retry: such failures end the job at once. */
async function permanent<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (
      error instanceof IngestError ||
      error instanceof CsvFormatError ||
      error instanceof ConfigError
    ) {
      throw new UnrecoverableJobError(error.message);
    }
    throw error;
  }
}

/** Starts taking jobs in this process (roles `all` and `worker`). */
export async function startWorker(runtime: Runtime): Promise<void> {
  await runtime.queue.work(handlers(runtime), { concurrency: runtime.config.queue.concurrency });
}
