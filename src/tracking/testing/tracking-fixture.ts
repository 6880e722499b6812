import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseBackend } from '../../../test/harness/backends.js';
import { createBlobStore, type BlobStore } from '../../platform/blobs/index.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { RegistryRepository } from '../registry-repository.js';
import { RegistryService } from '../registry-service.js';
import { RunRepository } from '../run-repository.js';
import { TrackingService } from '../tracking-service.js';

export interface TrackingFixture {
  tracking: TrackingService;
  registry: RegistryService;
  handle: DatabaseHandle;
  blobs: BlobStore;
  cleanup(): Promise<void>;
}

/**
 * A migrated database of the given backend, a filesystem object store in a temporary
 * directory and the services over both. One per backend per test file: PGlite takes seconds
 * to start, so tests share it and keep apart by unique experiment and model names.
 */
export async function openTrackingFixture(backend: DatabaseBackend): Promise<TrackingFixture> {
  const { handle, cleanup } = await backend.open();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-tracking-'));
  const blobs = createBlobStore(
    {
      url: `file://${dataDir}/blobs`,
      s3: { endpoint: '', region: 'us-east-1', forcePathStyle: false },
    },
    dataDir,
  );
  const runs = new RunRepository(handle.db);
  return {
    handle,
    blobs,
    tracking: new TrackingService(runs, blobs),
    registry: new RegistryService(new RegistryRepository(handle.db), runs, blobs),
    cleanup: async () => {
      await blobs.close();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A name unique within the test file, e.g. `m-3-k2x9`. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}
