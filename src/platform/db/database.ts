import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { outageAwarePool } from './outage.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteWorker } from './pglite-worker.js';
import type { Database } from './schema.js';
import type { DatabaseSettings } from './settings.js';
import { redactUrl } from '../redact-url.js';

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
  settings: Pick<DatabaseSettings, 'url' | 'poolSize'>,
  dataDir: string,
  options: {
    /**
     * Hears errors of pooled connections (the server restarted or went away). The pool drops
     * such a connection and the next query opens a new one; without a listener, Node would
     * end the process on the `error` event.
     */
    onConnectionError?: (error: Error) => void;
  } = {},
): Promise<DatabaseHandle> {
  const { url, poolSize } = settings;
  if (url !== 'embedded') {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 5000,
    });
    const onError = options.onConnectionError ?? (() => {});
    pool.on('error', onError);
    // A client in use when its connection ends emits `error` too (besides failing its query);
    // the pool attaches no listener while a client is checked out, so every client gets one.
    pool.on('connect', (client) => client.on('error', onError));
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: outageAwarePool(pool) }),
    });
    return handle(db, 'postgres', redactUrl(url));
  }
  const directory = path.resolve(dataDir, 'pgdata');
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
