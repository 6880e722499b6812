import type { Kysely } from 'kysely';
import type { BlobStore } from '../platform/blobs/index.js';
import type { Database } from '../platform/db/schema.js';
import { RegistryRepository } from './registry-repository.js';
import { RegistryService } from './registry-service.js';
import { RunRepository } from './run-repository.js';
import { TrackingService } from './tracking-service.js';

/** The two services of this domain, as route modules and commands take them. */
export interface TrackingServices {
  tracking: TrackingService;
  registry: RegistryService;
}

/** Builds the tracking and registry services over one database and object store. */
export function createTrackingServices(db: Kysely<Database>, blobs: BlobStore): TrackingServices {
  const runs = new RunRepository(db);
  return {
    tracking: new TrackingService(runs, blobs),
    registry: new RegistryService(new RegistryRepository(db), runs, blobs),
  };
}
