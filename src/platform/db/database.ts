import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DomainError, errorMessage } from '../../errors.js';
import { RemoteEmbeddedPostgres } from './embedded-bridge-client.js';
import { shareEmbeddedDatabase, type EmbeddedBridge } from './embedded-bridge-server.js';
import { LOCK_FILE, takeEmbeddedLock } from './embedded-lock.js';
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
  /**
   * No other process could reach the database when it was opened (this process holds the
   * embedded one): jobs left active then were orphaned by a process that is gone.
   */
  exclusive: boolean;
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
    /**
     * Embedded: let other local sdp processes use the database through this one while it
     * runs (for `sdp start`, `serve` and `worker`, so that CLI commands work beside them).
     */
    share?: boolean;
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
    return handle(db, 'postgres', redactUrl(url), { exclusive: false });
  }
  return openEmbedded(path.resolve(dataDir), options.share ?? false);
}

/**
 * The embedded database under `root`: opened by this process when no other holds it (one
 * process only: two PGlite instances on one directory corrupt it), else reached through the
 * holder's socket when it shares it, else refused with who holds it.
 */
async function openEmbedded(root: string, share: boolean): Promise<DatabaseHandle> {
  const directory = path.join(root, 'pgdata');
  mkdirSync(directory, { recursive: true });
  const taken = takeEmbeddedLock(root, commandLine());
  if (!taken.acquired) {
    const { holder } = taken;
    const who = `another sdp process (pid ${holder.pid}, \`${holder.command}\`)`;
    if (!holder.socket) {
      throw DomainError.unavailable(
        `The embedded database in ${directory} is in use by ${who}, and only one process may ` +
          'open it. Run this command when that one has finished, or while `sdp start` runs ' +
          '(it lets commands in).',
      );
    }
    const remote = new RemoteEmbeddedPostgres({ ...holder, socket: holder.socket });
    await remote.waitReady.catch((error: unknown) => {
      throw DomainError.unavailable(
        `The embedded database in ${directory} is held by ${who}, but its socket does not ` +
          `answer (${errorMessage(error)}). If no sdp runs on this data directory, remove ` +
          `${path.join(root, LOCK_FILE)}.`,
        { cause: error },
      );
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(remote) });
    return handle(db, 'embedded', directory, { exclusive: false });
  }
  const { lock } = taken;
  let bridge: EmbeddedBridge | undefined;
  try {
    const pglite = new PGliteWorker(directory);
    await pglite.waitReady.catch((error: unknown) => {
      throw new Error(
        `Could not open the embedded database in ${directory}: ${errorMessage(error)}. ` +
          'If sdp commands once ran on this data directory while `sdp start` was running ' +
          '(before sdp locked it), the directory was damaged then: restore it from a backup, ' +
          'see docs/reliability.md.',
        { cause: error },
      );
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    if (share) {
      const socket = socketPathFor(root);
      bridge = await shareEmbeddedDatabase(db as Kysely<unknown>, socket);
      lock.advertise(socket);
    }
    return handle(db, 'embedded', directory, {
      exclusive: true,
      // Clients first (a client's open transaction is rolled back), then the database, then the lock.
      close: async () => {
        await bridge?.close();
        await db.destroy();
        lock.release();
      },
    });
  } catch (error) {
    await bridge?.close();
    lock.release();
    throw error;
  }
}

/** `<dataDir>/sdp.sock`, or one in the temporary directory when that path is too long for a socket. */
function socketPathFor(root: string): string {
  const inDataDir = path.join(root, 'sdp.sock');
  if (Buffer.byteLength(inDataDir) <= 100) return inDataDir;
  const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `sdp-${id}.sock`);
}

/** What this process runs, for the lock's "in use by" messages: `sdp start`. */
function commandLine(): string {
  return ['sdp', ...process.argv.slice(2, 4)].join(' ');
}

function handle(
  db: Kysely<Database>,
  kind: DatabaseKind,
  location: string,
  options: { exclusive: boolean; close?: () => Promise<void> },
): DatabaseHandle {
  return {
    db,
    kind,
    location,
    exclusive: options.exclusive,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: options.close ?? (() => db.destroy()),
  };
}
