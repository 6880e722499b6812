import type { Kysely } from 'kysely';
import type { BlobStore } from '../platform/blobs/blob-store.js';
import type { Database } from '../platform/db/schema.js';
import type { Logger } from '../platform/log.js';
import type { RegistryService } from '../tracking/registry-service.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import type { ServingConfig } from './config-schema.js';
import { parseDuration } from './duration.js';
import { ModelCache } from './model-cache.js';
import { PredictionLog } from './prediction-log.js';
import { PredictionLogRepository } from './prediction-log-repository.js';
import { PredictionService } from './prediction-service.js';
import { RolloutRepository } from './rollout-repository.js';
import { RolloutService } from './rollout-service.js';

export interface ServingParts {
  predictions: PredictionService;
  rollouts: RolloutService;
}

/**
 * Builds the rollout service alone, for commands (`sdp rollout`) that need no prediction log.
 */
export function createRolloutService(options: {
  db: Kysely<Database>;
  registry: RegistryService;
  blobs: BlobStore;
  config: ServingConfig;
  cache?: ModelCache;
}): RolloutService {
  const cache =
    options.cache ??
    new ModelCache((ref) => loadRegisteredModel(options.registry, options.blobs, ref));
  return new RolloutService(
    new RolloutRepository(options.db),
    new PredictionLogRepository(options.db),
    options.registry,
    (model, version) => cache.get(model, version),
    options.config.rollout,
    parseDuration,
  );
}

/**
 * Wires the prediction service over one database, registry and object store. Call
 * `predictions.start()` to load the champion and begin refreshing; `predictions.close()`
 * flushes the prediction log.
 */
export function createServing(options: {
  db: Kysely<Database>;
  registry: RegistryService;
  blobs: BlobStore;
  config: ServingConfig;
  log?: Logger;
}): ServingParts {
  const { db, registry, blobs, config, log } = options;
  const cache = new ModelCache(
    (ref) => loadRegisteredModel(registry, blobs, ref),
    (message) => log?.warn(message),
  );
  const logRepository = new PredictionLogRepository(db);
  const predictionLog = new PredictionLog(
    config.log.enabled ? logRepository : { encode: () => null, write: async () => {} },
    {
      bufferSize: config.log.bufferSize,
      batchSize: config.log.batchSize,
      flushIntervalMs: config.log.flushIntervalMs,
      onWriteError: (error, lost) =>
        log?.error({ err: error }, `prediction log: could not write ${lost} entries`),
    },
  );
  const rollouts = createRolloutService({ db, registry, blobs, config, cache });
  const predictions = new PredictionService({
    config,
    registry,
    cache,
    predictionLog,
    logRepository,
    rolloutRepository: new RolloutRepository(db),
    rollouts,
    log,
  });
  return { predictions, rollouts };
}
