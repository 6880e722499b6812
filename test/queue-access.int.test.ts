import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { loadConfig } from '../src/app/config.js';
import { appJobHandlers } from '../src/app/jobs.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { toJobId, type JobContext } from '../src/platform/queue/job-queue.js';
import type { App } from '../src/platform/http/server.js';
import { bearer, createTestDatabase, testRedis } from './harness/context.js';

/**
 * The queue probes of the access-control issue, rerun on the distributed stack (BullMQ and
 * bull-board): before, anyone could add an `ingest` job for /etc/shadow through bull-board
 * and read its first line back in the job's failure, and pause the queue.
 */
describe('acceptance: the job queue is not an API', () => {
  let runtime: QueueRuntime;
  let app: App;
  let dataDir: string;
  let queues: string;
  /** A second API process over the same database and Redis. */
  let second: { runtime: QueueRuntime; app: App };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-queue-access-'));
    const redis = testRedis();
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${await createTestDatabase()}`,
        `queue.url=${redis.url}`,
        `queue.prefix=${redis.prefix}`,
        `dataDir=${dataDir}`,
        'access.rateLimit.predict.max=4',
        'access.rateLimit.predict.windowMs=60000',
      ],
    });
    runtime = await openRuntime(config, { log: pino({ level: 'silent' }), queue: true });
    app = await createApp(runtime, 'test');
    const other = await openRuntime(config, { log: pino({ level: 'silent' }), queue: true });
    second = { runtime: other, app: await createApp(other, 'test') };
    queues = `/admin/queues/api/queues`;
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.runtime.close();
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses adding jobs through bull-board to everyone, operators included', async () => {
    const add = (headers: object) =>
      app.inject({
        method: 'POST',
        url: `${queues}/${runtime.queue.name}/add`,
        headers: headers as never,
        payload: { name: 'ingest', data: { type: 'ingest', file: '/etc/shadow' } },
      });
    expect((await add({})).statusCode).toBe(403);
    expect((await add(await bearer(runtime, 'operator'))).statusCode).toBe(403);
    expect((await runtime.queue.counts()).waiting).toBe(0);
  });

  it('shows the board to viewers, and lets only operators pause the queue', async () => {
    const viewer = await bearer(runtime, 'viewer');
    expect((await app.inject({ url: queues, headers: viewer })).statusCode).toBe(200);
    const pause = (headers: object) =>
      app.inject({
        method: 'PUT',
        url: `${queues}/${runtime.queue.name}/pause`,
        headers: headers as never,
      });
    expect((await pause({})).statusCode).toBe(401);
    expect((await pause(viewer)).statusCode).toBe(403);
    const operator = await bearer(runtime, 'operator');
    expect((await pause(operator)).statusCode).toBe(200);
    await app.inject({
      method: 'PUT',
      url: `${queues}/${runtime.queue.name}/resume`,
      headers: operator,
    });
  });

  it('runs no ingest job on a file outside the import directory, and echoes no file content', async () => {
    const handlers = appJobHandlers(runtime);
    const ctx: JobContext = {
      id: toJobId('probe'),
      attempt: 1,
      maxAttempts: 1,
      progress: async () => {},
      signal: new AbortController().signal,
    };
    const importDir = path.join(dataDir, 'import');
    mkdirSync(importDir, { recursive: true });
    const secret = path.join(dataDir, 'secret.txt');
    writeFileSync(secret, 'root:$y$j9T$very-secret-hash:19000:0:99999:7:::\n');
    symlinkSync(secret, path.join(importDir, 'link.csv'));
    writeFileSync(path.join(importDir, 'not-a-dataset.csv'), 'root:$y$j9T$very-secret-hash\n');

    for (const file of ['/etc/shadow', secret, '../secret.txt', 'link.csv']) {
      const failure = await Promise.resolve(handlers.ingest({ type: 'ingest', file }, ctx)).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure, file).toMatchObject({ kind: 'forbidden' });
      expect(failure!.message).not.toContain('very-secret');
    }
    // A file in the import directory is read; its content is not quoted back.
    const notCsv = await Promise.resolve(
      handlers.ingest({ type: 'ingest', file: 'not-a-dataset.csv' }, ctx),
    ).catch((error: Error) => error);
    expect(notCsv).toMatchObject({ kind: 'invalid' });
    expect((notCsv as Error).message).not.toContain('very-secret');
    // Training on a path outside is refused the same way.
    const train = await Promise.resolve(
      handlers.train({ type: 'train', dataset: secret, overrides: [] }, ctx),
    ).catch((error: Error) => error);
    expect(train).toMatchObject({ kind: 'not_found' });
  });

  it("counts a token's requests across API processes (the limits live in Redis)", async () => {
    const headers = await bearer(runtime, 'predict');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const target = i % 2 === 0 ? app : second.app;
      const response = await target.inject({
        method: 'POST',
        url: '/v1/predict',
        headers,
        payload: {},
      });
      statuses.push(response.statusCode);
    }
    // Four in all may pass (no champion: 503, or 400 for the empty record), then 429 on either.
    expect(statuses.slice(0, 4)).not.toContain(429);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});
