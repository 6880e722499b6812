import type { Kysely } from 'kysely';
import { DatasetRepository } from '../data/dataset-repository.js';
import type { BlobStore } from '../platform/blobs/blob-store.js';
import type { Database } from '../platform/db/schema.js';
import { RegistryRepository } from '../tracking/registry-repository.js';
import { RegistryService } from '../tracking/registry-service.js';
import { RunRepository } from '../tracking/run-repository.js';
import { TrackingService } from '../tracking/tracking-service.js';

/** The domain services over one database and object store, for commands, routes and jobs. */
export interface Services {
  datasets: DatasetRepository;
  tracking: TrackingService;
  registry: RegistryService;
  blobs: BlobStore;
}

export function createServices(db: Kysely<Database>, blobs: BlobStore): Services {
  const runs = new RunRepository(db);
  return {
    datasets: new DatasetRepository(db),
    tracking: new TrackingService(runs, blobs),
    registry: new RegistryService(new RegistryRepository(db), runs, blobs),
    blobs,
  };
}
