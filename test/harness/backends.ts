import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createTestDatabase } from './context.js';

export interface DatabaseBackend {
  name: 'postgres' | 'embedded';
  /** Opens a fresh, migrated database of this kind; `cleanup` closes and removes it. */
  open(): Promise<{ handle: DatabaseHandle; cleanup(): Promise<void> }>;
}

/**
 * Both database backends, for suites that must pass on each (`describe.each(databaseBackends)`):
 * real PostgreSQL (a fresh database per call) and PGlite in a temporary directory.
 */
export const databaseBackends: DatabaseBackend[] = [
  {
    name: 'postgres',
    async open() {
      const url = await createTestDatabase();
      const handle = await openDatabase({ url, poolSize: 5 }, '.');
      await migrateToLatest(handle.db);
      return { handle, cleanup: () => handle.close() };
    },
  },
  {
    name: 'embedded',
    async open() {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-pglite-'));
      const handle = await openDatabase({ url: 'embedded', poolSize: 1 }, dataDir);
      await migrateToLatest(handle.db);
      return {
        handle,
        cleanup: async () => {
          await handle.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];
