import { z } from 'zod';
import { VERSION } from '../version.js';
import { loadConfig, recordableConfig } from './config.js';
import { defaultDataset, resolveDataset } from './dataset-source.js';
import { trainModel } from '../training/train-model.js';
import { ingestCsvFile } from '../data/ingest.js';
import { DomainError } from '../errors.js';
import type { JobHandlers } from '../platform/queue/job-queue.js';
import type { QueueRuntime } from './runtime.js';
import { runTuneTrialJob, tuneTrialJobSchema } from '../tuning/tune-trial-job.js';

/**
 * Every job sdp puts on its queue, as one discriminated union: parsed when enqueued and again
 * by the worker that takes it, so a malformed payload fails at once and is never retried.
 * Whether a failed job is retried follows from its error's kind (src/errors.ts).
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
    /**
     * What to train on, as `sdp train --data` takes it (dataset id or name, CSV path, `survey`);
     * default: the newest real dataset, else the newest synthetic one.
     */
    dataset: z.string().min(1).optional(),
    /** Config overrides for the model and train sections, e.g. `["model=gbdt"]`. */
    overrides: z.array(z.string().max(500)).max(50),
  }),
  tuneTrialJobSchema,
]);

export type AppJobSchema = typeof appJobSchema;
export type AppJob = z.infer<AppJobSchema>;

function handlers(runtime: QueueRuntime): JobHandlers<AppJobSchema> {
  return {
    ingest: async (job, ctx) => {
      let lastShare = 0;
      const result = await ingestCsvFile(runtime.datasets, job.file, {
        name: job.name,
        force: job.force,
        settings: runtime.config.data,
        config: recordableConfig(runtime.config),
        onProgress: (read, total) => {
          const share = Math.floor((read / total) * 100);
          if (share >= lastShare + 5) {
            lastShare = share;
            void ctx.progress(share);
          }
        },
      });
      const { datasetId, name, contentHash, rows, quarantined, created } = result;
      return { datasetId, name, contentHash, rows, quarantined, created };
    },
    train: async (job, ctx) => {
      const { config: jobConfig, groups } = loadConfig({ overrides: job.overrides });
      // Infrastructure stays this process's; the job chooses only what to train and how.
      const config = { ...runtime.config, model: jobConfig.model, train: jobConfig.train };
      const dataset = job.dataset
        ? await resolveDataset(runtime, job.dataset)
        : await defaultDataset(runtime);
      if (!dataset) throw DomainError.notFound('No dataset to train on.');
      const stages = ['load', 'cross-validation', 'fit'];
      const result = await trainModel(runtime, {
        dataset,
        config,
        recordedConfig: recordableConfig(config),
        groups,
        codeVersion: `sdp@${VERSION}`,
        onProgress: (stage) =>
          void ctx.progress({ stage, step: stages.indexOf(stage) + 1, of: stages.length }),
      });
      const { runId, model, version, aliases, metrics } = result;
      return { runId, model, version, aliases, metrics };
    },
    'tune-trial': (job, ctx) => runTuneTrialJob(runtime, job, ctx),
  };
}

/** Starts taking jobs in this process (roles `all` and `worker`). */
export async function startWorker(runtime: QueueRuntime): Promise<void> {
  await runtime.queue.work(handlers(runtime), { concurrency: runtime.config.queue.concurrency });
}
