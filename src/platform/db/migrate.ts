import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';

export interface MigrationReport {
  /** Names of the migrations this call applied (or reverted), in order. */
  applied: string[];
  /** Name of the newest migration now in force, if any. */
  current?: string;
}

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sdp_migration',
    migrationLockTableName: 'sdp_migration_lock',
  });
}

function report(results: MigrationResult[] | undefined, error: unknown): MigrationReport {
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`.trim(), {
      cause: error,
    });
  }
  const applied = (results ?? []).map((result) => result.migrationName);
  return { applied };
}

/** Applies every pending migration. Safe to run from several processes at once (locked). */
export async function migrateToLatest<DB>(database: Kysely<DB>): Promise<MigrationReport> {
  const db = database as unknown as Kysely<unknown>;
  const { results, error } = await migrator(db).migrateToLatest();
  return withCurrent(db, report(results, error));
}

/** Reverts the newest migration (for `sdp migrate down`). */
export async function migrateDown<DB>(database: Kysely<DB>): Promise<MigrationReport> {
  const db = database as unknown as Kysely<unknown>;
  const { results, error } = await migrator(db).migrateDown();
  return withCurrent(db, report(results, error));
}

async function withCurrent(db: Kysely<unknown>, result: MigrationReport) {
  const all = await migrator(db).getMigrations();
  const executed = all.filter((migration) => migration.executedAt);
  return { ...result, current: executed.at(-1)?.name };
}
