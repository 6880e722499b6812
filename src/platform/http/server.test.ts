import { createMetrics } from '../metrics.js';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { waitFor } from '../../../test/harness/wait-for.js';
import { healthRoutes } from './health-routes.js';
import { DomainError } from '../../errors.js';
import type { AccessControl } from './route-policy.js';
import { createHttpServer } from './server.js';

const log = pino({ level: 'silent' });

/** A plain TCP connection to the server, listening first: for requests written byte by byte. */
async function rawConnection(app: Awaited<ReturnType<typeof createHttpServer>>) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const ended = new Promise((resolve) => socket.on('close', resolve));
  return { socket, received: () => received, ended };
}

const connectionsOf = (app: {
  server: { getConnections(cb: (e: Error | null, n: number) => void): void };
}) =>
  new Promise<number>((resolve, reject) =>
    app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );

const open = { access: 'public' } as const;

/** Access control for these tests: an `x-viewer` header makes the caller a viewer. */
const viewerHeader: AccessControl = {
  prefixes: [],
  securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
  authorize(request) {
    if (request.headers['x-viewer'])
      request.caller = { actor: 'test:viewer', may: (policy) => policy !== 'admin' };
  },
};

async function testServer() {
  return createHttpServer({
    log,
    version: '9.9.9',
    access: viewerHeader,
    routes: [
      healthRoutes([
        { name: 'database', kind: 'postgres', location: 'postgres://h/db', ping: async () => {} },
        {
          name: 'queue',
          kind: 'bullmq',
          location: 'redis://h',
          ping: () => Promise.reject(new Error('ECONNREFUSED')),
        },
      ]),
      (app) => {
        app.post(
          '/echo',
          {
            config: open,
            schema: {
              body: z.strictObject({ age: z.number().int().min(15), name: z.string().max(5) }),
            },
          },
          async (request) => request.body,
        );
        app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
          '/items/:id',
          { config: open },
          async (request) => ({ id: request.params.id, query: request.query }),
        );
        app.get('/conflict', { config: open }, async () => {
          throw DomainError.conflict('already there');
        });
        app.get('/crash', { config: open }, async () => {
          throw new Error('secret internal detail');
        });
      },
    ],
  });
}

describe('HTTP server', async () => {
  const app = await testServer();
  afterAll(() => app.close());

  it('refuses NUL characters and unpaired surrogates anywhere in a request, naming the field', async () => {
    const cases = [
      {
        method: 'POST' as const,
        url: '/echo',
        payload: { age: 20, name: '\ud800' },
        field: 'body.name',
      },
      {
        method: 'POST' as const,
        url: '/echo',
        payload: { age: 20, name: 'a\u0000' },
        field: 'body.name',
      },
      {
        method: 'POST' as const,
        url: '/echo',
        payload: { age: 20, ['k\u0000']: 1 },
        field: 'body.k\u0000',
      },
      { method: 'GET' as const, url: '/items/a%00b', field: 'params.id' },
      { method: 'GET' as const, url: '/items/a?q=%ED%A0%80x&r=%00', field: 'query.r' },
    ];
    for (const { field, ...request } of cases) {
      const response = await app.inject(request);
      expect(response.statusCode, request.url).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors).toEqual([
        { field, message: 'must not contain NUL characters or unpaired surrogates' },
      ]);
    }
    const fine = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { age: 20, name: '😀' },
    });
    expect(fine.statusCode).toBe(200);
  });

  it('answers an overlong path parameter with a 414 problem', async () => {
    const response = await app.inject({ method: 'GET', url: `/items/${'x'.repeat(500)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 414, title: 'URI Too Long' });
  });

  it('answers a request that arrives while it shuts down with a 503 problem and Retry-After', async () => {
    // A request half sent when close begins keeps its connection open (it is not idle), and
    // is complete only once the server is shutting down: it is told to go elsewhere.
    let closeBegan!: () => void;
    const began = new Promise<void>((resolve) => (closeBegan = resolve));
    const closing = await createHttpServer({
      log,
      version: 'test',
      routes: [
        (server) => {
          server.get('/ping', { config: open }, async () => ({ ok: true }));
          server.addHook('preClose', (done) => {
            closeBegan();
            done();
          });
        },
      ],
    });
    const { socket, received, ended } = await rawConnection(closing);
    await new Promise((resolve) => socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n', resolve));
    await waitFor(async () => (await connectionsOf(closing)) === 1, { what: 'the connection' });
    const closed = closing.close();
    await began;
    socket.write('\r\n');
    await ended;
    await closed;
    expect(received()).toMatch(/^HTTP\/1.1 503 /);
    expect(received()).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(received()).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(received().slice(received().indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
    });
  });

  it('ends a keep-alive connection that was busy when close began after its answer', async () => {
    let entered!: () => void;
    let release!: () => void;
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const closing = await createHttpServer({
      log,
      version: 'test',
      routes: [
        (server) => {
          server.get('/slow', { config: open }, async () => {
            entered();
            await gate;
            return { ok: true };
          });
        },
      ],
    });
    const { socket, received, ended } = await rawConnection(closing);
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await inFlight;
    const closed = closing.close();
    await waitFor(() => !closing.server.listening, { what: 'the server to stop listening' });
    release();
    // Without `Connection: close` the socket stayed open, idle, and close waited for it.
    await ended;
    await closed;
    expect(received()).toMatch(/^HTTP\/1.1 200 /);
    expect(received()).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('refuses to register a route that declares no access policy', async () => {
    await expect(
      createHttpServer({
        log,
        version: 'test',
        routes: [(server) => void server.get('/forgotten', async () => ({ open: 'by omission' }))],
      }).then((server) => server.ready()),
    ).rejects.toThrow(/GET \/forgotten declares no access policy/);
  });

  it('answers liveness', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness per dependency to a viewer, and 503 when one fails', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/readyz' });
    expect(anonymous.statusCode).toBe(503);
    expect(anonymous.json()).toEqual({ status: 'unavailable' });
    const response = await app.inject({
      method: 'GET',
      url: '/readyz',
      headers: { 'x-viewer': '1' },
    });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.status).toBe('unavailable');
    expect(body.checks.database).toMatchObject({ status: 'ok', kind: 'postgres' });
    expect(body.checks.queue).toMatchObject({
      status: 'failed',
      kind: 'bullmq',
      error: 'ECONNREFUSED',
    });
  });

  it('lists every bad field as problem+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { age: 3, name: 'toolong', extra: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      instance: '/echo',
    });
    const fields = body.errors.map((error: { field: string }) => error.field).sort();
    expect(fields).toEqual(['body', 'body.age', 'body.name']);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"age": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().title).toBe('Bad Request');
  });

  it('renders thrown domain errors with their status, and unknown routes', async () => {
    expect((await app.inject({ url: '/conflict' })).json()).toMatchObject({
      status: 409,
      detail: 'already there',
    });
    const missing = await app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });

  it('hides the details of unexpected errors', async () => {
    const response = await app.inject({ url: '/crash' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internal detail');
  });

  it('keeps a sane incoming request id and replaces a hostile one', async () => {
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': '<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents the routes in an OpenAPI document', async () => {
    const response = await app.inject({ url: '/openapi.json' });
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('9.9.9');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/echo']),
    );
    expect((await app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });
});

describe('request logs', () => {
  it('tag every line with the request id, in every pino call form', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const app = await createHttpServer({
      log: logger,
      version: 'test',
      metrics: createMetrics(),
      metricsPolicy: 'public',
      routes: [
        (app) => {
          app.get('/forms', { config: open }, async (request) => {
            request.log.info({ step: 1 }, 'object and message');
            request.log.info('message only %s', 'formatted');
            request.log.warn(new Error('an error'), 'error and message');
            request.log.debug('below the level: not written');
            request.log.child({ part: 'child' }).info('from a child');
            return { ok: true };
          });
          app.get('/crash', { config: open }, async () => {
            throw new Error('boom');
          });
        },
      ],
    });
    try {
      const headers = { 'x-request-id': 'req-42' };
      expect((await app.inject({ url: '/forms', headers })).statusCode).toBe(200);
      expect((await app.inject({ url: '/crash', headers })).statusCode).toBe(500);
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    const byMessage = (msg: string) => lines.find((line) => line.msg === msg);
    expect(byMessage('object and message')).toMatchObject({ 'http.request.id': 'req-42', step: 1 });
    expect(byMessage('message only formatted')).toMatchObject({ 'http.request.id': 'req-42' });
    expect(byMessage('error and message')).toMatchObject({
      'http.request.id': 'req-42',
      err: { message: 'an error' },
    });
    expect(byMessage('below the level: not written')).toBeUndefined();
    expect(byMessage('from a child')).toMatchObject({ 'http.request.id': 'req-42', part: 'child' });
    expect(byMessage('unhandled error')).toMatchObject({
      'http.request.id': 'req-42',
      err: { message: 'boom' },
    });
    // The access log: one line per request.
    expect(byMessage('GET /forms 200')).toMatchObject({
      'http.request.id': 'req-42',
      'http.response.status_code': 200,
    });
    expect(byMessage('GET /crash 500')).toMatchObject({ 'http.request.id': 'req-42' });
    // …but none for Prometheus' scrapes (nor for probes).
    expect(lines.filter((line) => /^GET \/metrics/.test(String(line.msg)))).toEqual([]);
  });
});
