import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { ensurePostgres, ensureRedis, freePort, type Service } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server; each test file makes its own database. */
    postgresUrl: string;
    /** Prefix of every database and Redis key this run makes, so teardown finds them all. */
    runId: string;
    redisUrl: string;
    s3Endpoint: string;
    s3Bucket: string;
  }
}

/**
 * Finds (or starts) the real services the integration and end-to-end tiers need, once per
 * `npm test`, and removes everything the run made when it ends.
 */
export default async function setup(project: TestProject) {
  const runId = `sdp_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const postgres = await ensurePostgres(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    Boolean(process.env.TEST_DATABASE_URL),
  );
  const redis = await ensureRedis(
    process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    Boolean(process.env.TEST_REDIS_URL),
  );
  const s3 = await startS3();

  project.provide('postgresUrl', postgres.url);
  project.provide('runId', runId);
  project.provide('redisUrl', redis.url);
  project.provide('s3Endpoint', s3.url);
  project.provide('s3Bucket', 'sdp-test');
  console.log(
    `[harness] ${project.name}: PostgreSQL ${postgres.url} (${postgres.origin}), ` +
      `Redis ${redis.url} (${redis.origin}), S3 s3rver ${s3.url} (started); run ${runId}`,
  );

  return async () => {
    await dropRunDatabases(postgres.url, runId);
    await deleteRunKeys(redis.url, runId);
    await Promise.all([s3.stop(), postgres.stop(), redis.stop()]);
  };
}

async function startS3(): Promise<Service> {
  const { default: S3rver } = await import('s3rver');
  const directory = mkdtempSync(path.join(tmpdir(), 'sdp-s3-'));
  const port = await freePort();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: 'sdp-test', configs: [] }],
  });
  await server.run();
  return {
    url: `http://127.0.0.1:${port}`,
    origin: 'started',
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function dropRunDatabases(url: string, runId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${runId}%`],
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await client.end();
  }
}

async function deleteRunKeys(url: string, runId: string) {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
