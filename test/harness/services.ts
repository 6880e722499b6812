import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

const execFileAsync = promisify(execFile);
import { waitFor } from './wait-for.js';

/** A service the harness found running or started itself; `stop` undoes what it started. */
export interface Service {
  url: string;
  origin: 'existing' | 'started';
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs];
  return dirs.map((dir) => path.join(dir, name)).find((file) => existsSync(file));
}

function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

/** A PostgreSQL cluster of a test's own, on a free port, that the test may stop and start. */
export interface ThrowawayPostgres {
  /** The `postgres` database of the cluster (trust auth). */
  url: string;
  /** Stops the server (`fast` closes connections cleanly, `immediate` is a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again, on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it if running and deletes its data. */
  remove(): Promise<void>;
}

/**
 * A throwaway cluster made with initdb/pg_ctl (run as the `postgres` user when we are root,
 * since PostgreSQL refuses to run as root). For the harness when no server answers, and for
 * fault tests, which must never stop the machine's shared server.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const initdb = findBinary('initdb', postgresBinDirs());
  const pgCtl = findBinary('pg_ctl', postgresBinDirs());
  if (!initdb || !pgCtl) {
    throw new Error(
      'initdb/pg_ctl are not installed: install the Debian package "postgresql" ' +
        '(apt-get install postgresql).',
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sdp-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  // Asynchronous, so that a test's own load keeps running while the server stops or starts.
  const run = (binary: string, args: string[]) =>
    asRoot
      ? execFileAsync('runuser', ['-u', 'postgres', '--', binary, ...args])
      : execFileAsync(binary, args);
  const data = path.join(dir, 'data');
  await run(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  let running = false;
  const start = async () => {
    await run(pgCtl, [
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await run(pgCtl, ['-D', data, '-m', mode, '-w', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    remove: async () => {
      if (running) await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The PostgreSQL tests use: the one at `url` if it answers, else a throwaway cluster. */
export async function ensurePostgres(url: string, explicit: boolean): Promise<Service> {
  if (await postgresAnswers(url)) return { url, origin: 'existing', stop: async () => {} };
  if (explicit) throw new Error(`TEST_DATABASE_URL=${url} does not answer.`);
  if (!findBinary('initdb', postgresBinDirs())) {
    throw new Error(
      `PostgreSQL does not answer at ${url} and initdb/pg_ctl are not installed. ` +
        'Install the Debian package "postgresql" (apt-get install postgresql), start a server, ' +
        'or set TEST_DATABASE_URL.',
    );
  }
  const cluster = await startThrowawayPostgres();
  return { url: cluster.url, origin: 'started', stop: () => cluster.remove() };
}

/** The Redis tests use: the one at `url` if it answers, else a throwaway redis-server. */
export async function ensureRedis(url: string, explicit: boolean): Promise<Service> {
  if (await redisAnswers(url)) return { url, origin: 'existing', stop: async () => {} };
  if (explicit) throw new Error(`TEST_REDIS_URL=${url} does not answer.`);
  const binary = findBinary('redis-server');
  if (!binary) {
    throw new Error(
      `Redis does not answer at ${url} and redis-server is not installed. ` +
        'Install the Debian package "redis-server" (apt-get install redis-server) or set TEST_REDIS_URL.',
    );
  }
  const server = await startThrowawayRedis();
  return { url: server.url, origin: 'started', stop: () => server.stop() };
}

/**
 * A redis-server of a test's own on a free port, without persistence (extra `args` such as
 * `--maxmemory-policy allkeys-lru` configure it): for the harness when none answers, and for
 * tests that need a Redis set up in a way the machine's shared one must not be.
 */
export interface ThrowawayRedis {
  url: string;
  /** SIGSTOP: the server stays connected but answers nothing, as a frozen host. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Kills the server and starts a new one on the same port: without persistence, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startThrowawayRedis(args: string[] = []): Promise<ThrowawayRedis> {
  const binary = findBinary('redis-server');
  if (!binary) {
    throw new Error(
      'redis-server is not installed: install the Debian package "redis-server" (apt-get install redis-server).',
    );
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: 'ignore' },
    );
    // Until it answers, however long a loaded machine takes; a server that never does fails here.
    await waitFor(() => redisAnswers(url), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `redis-server on ${url}`,
    });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill(signal);
    await exited;
  };
  await start();
  return {
    url,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    restart: async () => {
      await stop('SIGKILL');
      await start();
    },
    stop: () => stop(),
  };
}
