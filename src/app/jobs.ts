import { z } from 'zod';
import { VERSION } from '../version.js';
import { loadConfig, recordableConfig } from './config.js';
import { defaultDataset, importDir, importFile, resolveDataset } from './dataset-source.js';
import { trainModel } from '../training/train-model.js';
import { ingestCsvFile } from '../data/ingest.js';
import { DomainError } from '../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobContext, JobHandlers } from '../platform/queue/job-queue.js';
import type { QueueRuntime } from './runtime.js';
import type { RunId } from '../tracking/ids.js';
import { runTuneTrialJob, tuneTrialJobSchema } from '../tuning/tune-trial-job.js';
import { taskJobSchema } from '../pipelines/pipeline-service.js';

/**
 * Every job sdp puts on its queue, as one discriminated union: parsed when enqueued and again
 * by the worker that takes it, so a malformed payload fails at once and is never retried.
 * Whether a failed job is retried follows from its error's kind (src/errors.ts).
 */
export const appJobSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ingest'),
    /**
     * A CSV file in the import directory (`data.importDir`, a shared volume in distributed
     * mode), relative to it or absolute; a path outside is refused.
     */
    file: z.string().min(1).max(1000),
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
  /** One try of a pipeline task (src/pipelines): the runner records its outcome. */
  taskJobSchema,
]);

export type AppJobSchema = typeof appJobSchema;
export type AppJob = z.infer<AppJobSchema>;

/** The handler of each job type, over the runtime of the process that runs them. */
export function appJobHandlers(runtime: QueueRuntime): JobHandlers<AppJobSchema> {
  return {
    ingest: async (job, ctx) => {
      const file = importFile(runtime.config, job.file);
      if (!file) {
        throw DomainError.forbidden(
          `Jobs read only files in the import directory ${importDir(runtime.config)}; there is no such file there.`,
        );
      }
      let lastShare = 0;
      const result = await ingestCsvFile(runtime.datasets, file, {
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
        ? await resolveDataset(runtime, job.dataset, 'import-dir')
        : await defaultDataset(runtime);
      if (!dataset) throw DomainError.notFound('No dataset to train on.');
      const done = await previousAttempt(runtime, ctx);
      if (done) {
        const { versions } = await runtime.registry.getModel(config.train.registeredModel);
        const version = versions.find((v) => v.runId === done);
        if (version) {
          const { model, aliases, metrics } = version;
          return { runId: done, model, version: version.version, aliases, metrics };
        }
        // Finished without registering (not by trainModel): this attempt trains afresh.
        await runtime.tracking.detachJob(done);
      }
      const stages = ['load', 'cross-validation', 'fit'];
      const result = await trainModel(runtime, {
        dataset,
        config,
        recordedConfig: recordableConfig(config),
        groups,
        codeVersion: `sdp@${VERSION}`,
        jobId: ctx.id,
        onProgress: (stage) =>
          void ctx.progress({ stage, step: stages.indexOf(stage) + 1, of: stages.length }),
      });
      const { runId, model, version, aliases, metrics } = result;
      return { runId, model, version, aliases, metrics };
    },
    'tune-trial': (job, ctx) => runTuneTrialJob(runtime, job, ctx),
    'pipeline-task': (job, ctx) => runtime.pipelines.runTask(job, ctx.signal),
  };
}

/**
 * A job that runs again (its queue lost its lock while Redis was frozen, or it is retried)
 * must not train and register twice: a job id has at most one live run. Returns the run an
 * earlier attempt finished (its version is the job's result), waiting while that attempt is
 * still alive; otherwise frees the job id from a run that died or failed, so that this
 * attempt starts afresh.
 */
async function previousAttempt(runtime: QueueRuntime, ctx: JobContext): Promise<RunId | undefined> {
  const jobId = ctx.id;
  let previous = await runtime.tracking.runOfJob(jobId);
  while (previous?.status === 'running' && previous.alive) {
    await sleep(EARLIER_ATTEMPT_POLL_MS, undefined, { signal: ctx.signal });
    previous = await runtime.tracking.runOfJob(jobId);
  }
  if (!previous) return undefined;
  if (previous.status === 'finished') return previous.id;
  const attempt = ctx.attempt;
  if (previous.status === 'running') {
    await runtime.tracking
      .endRun(
        previous.id,
        'failed',
        `its process stopped; attempt ${attempt} of job ${jobId} replaces it`,
      )
      .catch(() => {});
  }
  await runtime.tracking.detachJob(previous.id);
  return undefined;
}

/** Starts taking jobs in this process (roles `all` and `worker`). */
export async function startWorker(runtime: QueueRuntime): Promise<void> {
  await runtime.queue.work(appJobHandlers(runtime), {
    concurrency: runtime.config.queue.concurrency,
  });
  // Runs whose process died (a worker killed, a database restart that ended it) are failed
  // with the reason, at start and then every minute, by whichever worker looks first.
  const reap = async () => {
    try {
      const failed = await runtime.tracking.failOrphanedRuns();
      if (failed.length > 0)
        runtime.log.warn({ runs: failed }, `marked ${failed.length} orphaned run(s) failed`);
    } catch (error) {
      runtime.log.warn({ err: error }, 'could not look for orphaned runs');
    }
  };
  await reap();
  setInterval(() => void reap(), REAP_INTERVAL_MS).unref();
}

const REAP_INTERVAL_MS = 60_000;
/** How often a second attempt of a job looks whether the first, still alive, has ended. */
const EARLIER_ATTEMPT_POLL_MS = 1000;
