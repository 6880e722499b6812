import { AccessRepository } from '../access/access-repository.js';
import { AccessService } from '../access/access-service.js';
import { DatabaseAuditTrail } from '../access/audit-trail.js';
import { DatasetRepository } from '../data/dataset-repository.js';
import { createBlobStore, type BlobStore } from '../platform/blobs/index.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { waitUntilReachable } from '../platform/db/wait-until-reachable.js';
import { errorMessage } from '../errors.js';
import type { ReadinessCheck } from '../platform/http/health-routes.js';
import type { Logger } from '../platform/log/logger.js';
import type { JobQueue } from '../platform/queue/job-queue.js';
import { parseDuration } from '../serving/duration.js';
import { ModelCache } from '../serving/model-cache.js';
import { PredictionLog } from '../serving/prediction-log.js';
import { PredictionLogRepository } from '../serving/prediction-log-repository.js';
import { PredictionService } from '../serving/prediction-service.js';
import { DriftService } from '../monitoring/drift-service.js';
import { QualityService } from '../monitoring/quality-service.js';
import { RolloutRepository } from '../serving/rollout-repository.js';
import { RolloutService } from '../serving/rollout-service.js';
import { surveyServingHooks } from '../serving/survey-hook.js';
import { SurveyRepository } from '../survey/survey-repository.js';
import { SurveyService } from '../survey/survey-service.js';
import { RegistryRepository } from '../tracking/registry-repository.js';
import { RegistryService } from '../tracking/registry-service.js';
import { RunRepository } from '../tracking/run-repository.js';
import { TrackingService } from '../tracking/tracking-service.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { StudyRepository } from '../tuning/study-repository.js';
import type { Config } from './config.js';
import { appJobSchema, type AppJobSchema } from './jobs.js';
import { createPipelines, type Pipelines } from './pipelines.js';

export type AppQueue = JobQueue<AppJobSchema>;

/**
 * Everything one process of sdp holds: configuration, logger, the platform parts chosen by URL
 * scheme (database, object store) and every repository and service built over them. Built in
 * one place, `openRuntime`; commands, routes and jobs take the parts they use from it.
 */
export interface Runtime {
  config: Config;
  /** The group options the configuration was composed from, e.g. `{ model: 'gbdt' }`. */
  groups: Record<string, string>;
  log: Logger;
  database: DatabaseHandle;
  blobs: BlobStore;
  datasets: DatasetRepository;
  surveys: SurveyRepository;
  studies: StudyRepository;
  tracking: TrackingService;
  registry: RegistryService;
  /** Serving: `predictions.start()` loads the champion (the HTTP app calls it). */
  predictions: PredictionService;
  rollouts: RolloutService;
  survey: SurveyService;
  /** Tokens, users, sessions (src/access). */
  access: AccessService;
  /** Every state change by a person or token. */
  audit: DatabaseAuditTrail;
  /** Drift of inputs and scores against the champion's training data (src/monitoring). */
  drift: DriftService;
  /** Continuous evaluation of served predictions against the labels that arrived. */
  quality: QualityService;
  readinessChecks(): ReadinessCheck[];
  /** Drains the survey's scoring, flushes the prediction log, closes what was opened. */
  close(): Promise<void>;
}

/** A runtime that also carries the job queue: long-lived processes, distributed tuning, pipelines. */
export interface QueueRuntime extends Runtime {
  queue: AppQueue;
  /** Pipelines and their runs (`service`), and the scheduler that fires them. */
  pipelines: Pipelines['service'];
  scheduler: Pipelines['scheduler'];
}

export interface RuntimeOptions {
  log: Logger;
  groups?: Record<string, string>;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Open the job queue as well (it connects to Redis in distributed mode). */
  queue?: boolean;
  /** A database opened elsewhere (tests share one): used as is, and not closed. */
  database?: DatabaseHandle;
  /** Let CLI commands on the same data dir use this process's embedded database (long-lived roles). */
  shareDatabase?: boolean;
  /** The clock of pipelines, schedules and the survey's day (simulations pass a fake one). */
  clock?: () => Date;
}

/**
 * Opens the configured database (migrating it), object store and, when asked, job queue, and
 * builds every repository and service over them: the composition root of sdp. On a failure
 * halfway, what was opened is closed again.
 *
 * @example
 * const runtime = await openRuntime(config, { log });
 * try { console.log(await runtime.registry.listModels()); } finally { await runtime.close(); }
 */
export function openRuntime(
  config: Config,
  options: RuntimeOptions & { queue: true },
): Promise<QueueRuntime>;
export function openRuntime(config: Config, options: RuntimeOptions): Promise<Runtime>;
export async function openRuntime(
  config: Config,
  options: RuntimeOptions,
): Promise<Runtime | QueueRuntime> {
  const { log } = options;
  const opened: { close(): Promise<unknown> }[] = [];
  try {
    const database =
      options.database ??
      (await openDatabase(config.database, config.dataDir, {
        onConnectionError: (error) =>
          log.warn({ err: error }, `database connection lost: ${error.message}`),
        share: options.shareDatabase,
      }));
    if (!options.database) opened.push(database);
    await waitUntilReachable(database, {
      timeoutMs: config.database.startupTimeoutMs,
      onRetry: ({ error, waitedMs, nextTryInMs }) =>
        log.warn(
          { err: error, 'db.kind': database.kind },
          `database ${database.location} does not answer yet (${errorMessage(error)}); ` +
            `trying again in ${nextTryInMs} ms (waited ${waitedMs} of ${config.database.startupTimeoutMs} ms)`,
        ),
    });
    if (options.migrate !== false) {
      const { applied, current } = await migrateToLatest(database.db);
      log.info(
        { 'db.kind': database.kind, applied },
        applied.length
          ? `database ${database.kind}: applied ${applied.length} migration(s), now at ${current}`
          : `database ${database.kind}: schema up to date (${current})`,
      );
    }
    const blobs = createBlobStore(config.blobs, config.dataDir);
    opened.push(blobs);
    // Loaded only when asked for: BullMQ and its Redis client cost short commands ~0.2 s.
    const queue = options.queue
      ? (await import('../platform/queue/create-job-queue.js')).createJobQueue({
          settings: config.queue,
          database,
          schema: appJobSchema,
          log,
        })
      : undefined;
    if (queue) opened.push(queue);
    log.info(
      { 'db.kind': database.kind, 'queue.kind': queue?.kind },
      `database ${database.kind} (${database.location}); ` +
        `${queue ? `queue ${queue.describe()}; ` : ''}objects ${blobs.describe()}`,
    );

    const clock = options.clock ?? (() => new Date());
    const parts = wire(config, database, blobs, log, () => clock().toISOString().slice(0, 10));
    const runtime: Runtime = {
      config,
      groups: options.groups ?? {},
      log,
      database,
      blobs,
      ...parts,
      readinessChecks: () => [
        { name: 'database', kind: database.kind, location: database.location, ping: database.ping },
        ...(queue
          ? [
              {
                name: 'queue',
                kind: queue.kind,
                location: queue.location,
                ping: () => queue.ping(),
              },
            ]
          : []),
        {
          name: 'objects',
          kind: blobs.describe().split(':')[0],
          location: blobs.describe(),
          ping: () => blobs.ping(),
        },
      ],
      close: async () => {
        // While the database is open: the last responses are scored, the log is flushed.
        await pipelines?.scheduler.stop();
        await parts.survey.drain();
        await parts.predictions.close();
        await queue?.close({ timeoutMs: config.server.shutdownTimeoutMs });
        await blobs.close();
        if (!options.database) await database.close();
      },
    };
    const pipelines = queue ? createPipelines(runtime, queue, clock) : undefined;
    return queue && pipelines
      ? { ...runtime, queue, pipelines: pipelines.service, scheduler: pipelines.scheduler }
      : runtime;
  } catch (error) {
    for (const resource of opened.reverse()) await resource.close().catch(() => {});
    throw error;
  }
}

/** Every repository and service, over one database and object store. */
function wire(
  config: Config,
  database: DatabaseHandle,
  blobs: BlobStore,
  log: Logger,
  today: () => string,
) {
  const { db } = database;
  const audit = new DatabaseAuditTrail(db);
  const runs = new RunRepository(db);
  const registry = new RegistryService(new RegistryRepository(db), runs, blobs, audit);
  const settings = config.serving;

  const cache = new ModelCache(
    (ref) => loadRegisteredModel(registry, blobs, ref),
    (message) => log.warn(message),
  );
  const logRepository = new PredictionLogRepository(db);
  const rolloutRepository = new RolloutRepository(db);
  const rollouts = new RolloutService(
    rolloutRepository,
    logRepository,
    registry,
    (model, version) => cache.get(model, version),
    settings.rollout,
    parseDuration,
    audit,
  );
  const predictionLog = new PredictionLog(
    settings.log.enabled ? logRepository : { encode: () => null, write: async () => {} },
    {
      bufferSize: settings.log.bufferSize,
      batchSize: settings.log.batchSize,
      flushIntervalMs: settings.log.flushIntervalMs,
      onWriteError: (error, lost) =>
        log.error({ err: error }, `prediction log: could not write ${lost} entries`),
    },
  );
  const predictions = new PredictionService({
    config: settings,
    registry,
    cache,
    predictionLog,
    logRepository,
    rolloutRepository,
    rollouts,
    log,
  });

  const surveys = new SurveyRepository(db);
  // Each stored response is scored under its submission id, and its PHQ-9 label joins that
  // prediction as ground truth; deleting the response deletes both.
  const hooks = surveyServingHooks(predictions);
  const survey = new SurveyService({
    repository: surveys,
    maxUnansweredShare: config.survey.maxUnansweredShare,
    log,
    onResponseStored: hooks.onStored,
    onResponseDeleted: hooks.onDeleted,
    today,
  });

  const datasets = new DatasetRepository(db);
  return {
    datasets,
    quality: new QualityService(
      logRepository,
      settings.model,
      parseDuration,
      config.monitoring.quality.maxRows,
    ),
    drift: new DriftService(
      { db, registry, blobs, datasets, predictions: logRepository },
      config.monitoring.drift,
      settings.model,
      parseDuration,
    ),
    surveys,
    studies: new StudyRepository(db),
    tracking: new TrackingService(runs, blobs),
    registry,
    predictions,
    rollouts,
    survey,
    access: new AccessService(new AccessRepository(db), audit, {
      sessionHours: config.access.sessionHours,
    }),
    audit,
  };
}
