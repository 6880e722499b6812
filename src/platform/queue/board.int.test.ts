import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../../test/harness/backends.js';
import { testRedis } from '../../../test/harness/context.js';
import { mountQueueBoard } from './board.js';
import { createJobQueue } from './create-job-queue.js';
import type { JobQueue } from './job-queue.js';
import { conformanceConfig } from './testing/conformance.js';
import { testJobSchema, type TestJobSchema } from './testing/test-jobs.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serve(queue: JobQueue<TestJobSchema>): FastifyInstance {
  const app = Fastify();
  cleanups.push(
    () => queue.close({ timeoutMs: 500 }),
    () => app.close(),
  );
  return app;
}

describe('queue board on the bullmq backend', () => {
  it('serves bull-board: its page and its API listing the queue and its jobs', async () => {
    const redis = testRedis();
    const name = `b${randomBytes(4).toString('hex')}`;
    const queue = createJobQueue({
      settings: { url: redis.url, prefix: redis.prefix, ...conformanceConfig },
      schema: testJobSchema,
      name,
    });
    const app = serve(queue);
    expect(await mountQueueBoard(app, queue, '/ops/queues')).toBe('bull-board');
    await queue.enqueue({ type: 'add', a: 1, b: 2 });

    const page = await app.inject({ method: 'GET', url: '/ops/queues' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/ops/queues');

    const api = await app.inject({ method: 'GET', url: '/ops/queues/api/queues' });
    expect(api.statusCode).toBe(200);
    const body = api.json() as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name)).toEqual([name]);
    expect(body.queues[0].counts.waiting).toBe(1);
  });
});

describe('queue board on the inline backend', () => {
  // PostgreSQL rather than PGlite only because it opens in milliseconds; the listing is the
  // same on both (the conformance suite covers the queue itself on each).
  const postgres = databaseBackends.find((backend) => backend.name === 'postgres')!;

  it('serves a read-only JSON listing at the same path', async () => {
    const { handle, cleanup } = await postgres.open();
    cleanups.push(cleanup);
    const queue = createJobQueue({
      settings: { url: 'inline', prefix: 'sdp', ...conformanceConfig },
      database: handle,
      schema: testJobSchema,
    });
    const app = serve(queue);
    expect(await mountQueueBoard(app, queue)).toBe('json');
    const id = await queue.enqueue({ type: 'add', a: 1, b: 2 });

    const listing = await app.inject({ method: 'GET', url: '/admin/queues?state=waiting' });
    expect(listing.statusCode).toBe(200);
    expect(listing.json()).toMatchObject({
      kind: 'inline',
      queue: 'jobs',
      counts: { waiting: 1, completed: 0 },
      jobs: [{ id, name: 'add', state: 'waiting', payload: { type: 'add', a: 1, b: 2 } }],
    });
    expect(
      (await app.inject({ method: 'GET', url: '/admin/queues?state=failed' })).json().jobs,
    ).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/admin/queues?state=bogus' })).statusCode).toBe(
      400,
    );

    const one = await app.inject({ method: 'GET', url: `/admin/queues/jobs/${id}` });
    expect(one.json()).toMatchObject({ id, state: 'waiting' });
    expect((await app.inject({ method: 'GET', url: '/admin/queues/jobs/nope' })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'POST', url: '/admin/queues' })).statusCode).toBe(404);
  });
});
