import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config/schema.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteWorker } from './pglite-worker.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'postgres' | 'embedded';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, safe to log: a URL without its password, or a directory. */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 and numeric come back from node-postgres as strings; sdp keeps counts and sizes
// well inside 2^53, so they are read as numbers on both backends alike.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Opens the configured database: PostgreSQL for a postgres:// URL, else PGlite under dataDir. */
export async function openDatabase(
  config: Pick<Config, 'database' | 'dataDir'>,
): Promise<DatabaseHandle> {
  const { url, poolSize } = config.database;
  if (url !== 'embedded') {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 5000,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return handle(db, 'postgres', redactUrl(url));
  }
  const directory = path.resolve(config.dataDir, 'pgdata');
  mkdirSync(directory, { recursive: true });
  const pglite = new PGliteWorker(directory);
  await pglite.waitReady.catch((error: unknown) => {
    throw new Error(
      `Could not open the embedded database in ${directory}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return handle(db, 'embedded', directory);
}

function handle(db: Kysely<Database>, kind: DatabaseKind, location: string): DatabaseHandle {
  return {
    db,
    kind,
    location,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** The URL with any password replaced, for logs and health output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  }
}
