import type { Config } from '../config/schema.js';
import { createBlobStore } from '../platform/blobs/create-blob-store.js';
import type { BlobStore } from '../platform/blobs/blob-store.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import type { ReadinessCheck } from '../platform/http/health-routes.js';
import type { Logger } from '../platform/log.js';
import { createJobQueue } from '../platform/queue/create-job-queue.js';
import type { JobQueue } from '../platform/queue/job-queue.js';
import { appJobSchema, type AppJobSchema } from './jobs.js';
import { createServices, type Services } from './services.js';
import { createServing, type ServingParts } from '../serving/create-serving.js';

/**
 * Everything a process of sdp holds open: configuration, logger, database, object store and
 * job queue, each chosen from configuration by URL scheme. Commands open one, use the parts
 * they need and close it.
 */
export interface Runtime {
  config: Config;
  groups: Record<string, string>;
  log: Logger;
  database: DatabaseHandle;
  blobs: BlobStore;
  queue: JobQueue<AppJobSchema>;
  services: Services;
  /** Prediction service and rollouts; `predictions.start()` is called by the HTTP app. */
  serving: ServingParts;
  readinessChecks(): ReadinessCheck[];
  close(): Promise<void>;
}

export async function openRuntime(options: {
  config: Config;
  groups?: Record<string, string>;
  log: Logger;
  /** Apply pending migrations first (start-up does; read-only commands need not). */
  migrate?: boolean;
}): Promise<Runtime> {
  const { config, log } = options;
  const database = await openDatabase(config);
  const opened: { close(): Promise<void> }[] = [database];
  try {
    if (options.migrate !== false) {
      const { applied, current } = await migrateToLatest(database.db);
      log.info(
        { 'db.kind': database.kind, applied },
        applied.length
          ? `database ${database.kind}: applied ${applied.length} migration(s), now at ${current}`
          : `database ${database.kind}: schema up to date (${current})`,
      );
    }
    const blobs = createBlobStore(config);
    opened.push(blobs);
    const queue = createJobQueue({ config, db: database.db, schema: appJobSchema, log });
    opened.push(queue);
    log.info(
      { 'db.kind': database.kind, 'queue.kind': queue.kind },
      `database ${database.kind} (${database.location}); queue ${queue.describe()}; objects ${blobs.describe()}`,
    );

    const services = createServices(database.db, blobs);
    const serving = createServing({
      db: database.db,
      registry: services.registry,
      blobs,
      config: config.serving,
      log,
    });
    return {
      config,
      groups: options.groups ?? {},
      log,
      database,
      blobs,
      queue,
      services,
      serving,
      readinessChecks: () => [
        { name: 'database', kind: database.kind, location: database.location, ping: database.ping },
        { name: 'queue', kind: queue.kind, location: queue.location, ping: () => queue.ping() },
        {
          name: 'objects',
          kind: blobs.describe().split(':')[0],
          location: blobs.describe(),
          ping: () => blobs.ping(),
        },
      ],
      close: async () => {
        // First, while the database is open: the buffered prediction log is flushed.
        await serving.predictions.close();
        await queue.close({ timeoutMs: config.server.shutdownTimeoutMs });
        await blobs.close();
        await database.close();
      },
    };
  } catch (error) {
    for (const resource of opened.reverse()) await resource.close().catch(() => {});
    throw error;
  }
}
