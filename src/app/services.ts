import type { Kysely } from 'kysely';
import { DatasetRepository } from '../data/dataset-repository.js';
import type { BlobStore } from '../platform/blobs/blob-store.js';
import type { Database } from '../platform/db/schema.js';
import { createTrackingServices } from '../tracking/create-tracking.js';
import type { RegistryService } from '../tracking/registry-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';

/** The domain services over one database and object store, for commands, routes and jobs. */
export interface Services {
  datasets: DatasetRepository;
  tracking: TrackingService;
  registry: RegistryService;
  blobs: BlobStore;
}

export function createServices(db: Kysely<Database>, blobs: BlobStore): Services {
  return { datasets: new DatasetRepository(db), ...createTrackingServices(db, blobs), blobs };
}
