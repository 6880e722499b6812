import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { loadConfig } from '../src/app/config.js';
import { openRuntime, type QueueRuntime } from '../src/app/runtime.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { generateSynthetic } from '../src/data/synth.js';
import type { App } from '../src/platform/http/server.js';
import { studentAnswers, submissionBody } from '../src/survey/testing/answers.js';
import { trainModel } from '../src/training/train-model.js';
import { capturedLog } from './harness/captured-log.js';
import { bearer, createTestDatabase } from './harness/context.js';

/** The routes anyone may call: the survey, liveness and readiness, the docs, logging in. */
const PUBLIC = [
  /^\/(home\.(js|css))?$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/survey(\/.*)?$/,
  /^\/v1\/survey\/responses(\/:receiptCode)?$/,
  /^\/login$/,
  /^\/auth\/(login|logout|session)$/,
  /^\/docs(\/.*)?$/,
  /^\/openapi\.json$/,
];

const { depression: _label, ...RECORD } = generateSynthetic({ rows: 1, seed: 5 }).next().value!;

async function openApp(extra: string[] = []) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-access-'));
  const { config } = loadConfig({
    env: {},
    overrides: [
      `database.url=${await createTestDatabase()}`,
      `dataDir=${dataDir}`,
      'train.folds=2',
      ...extra,
    ],
  });
  const { log, text } = capturedLog();
  const runtime = await openRuntime(config, { log, queue: true });
  const app = await createApp(runtime, 'test');
  return {
    runtime,
    app,
    logText: text,
    async close() {
      await app.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('access control of the HTTP app', () => {
  let runtime: QueueRuntime;
  let app: App;
  let logText: () => string;
  let close: () => Promise<void>;
  const as: Record<'viewer' | 'operator' | 'admin' | 'predict', { authorization: string }> =
    {} as never;

  beforeAll(async () => {
    ({ runtime, app, logText, close } = await openApp());
    const { datasetId } = await storeSyntheticDataset(runtime.datasets, {
      rows: 500,
      seed: 3,
      settings: runtime.config.data,
      config: {},
    });
    const dataset = (await runtime.datasets.resolve(datasetId))!;
    await trainModel(runtime, { dataset, config: runtime.config, codeVersion: 'sdp@test' });
    await runtime.predictions.refresh();
    for (const role of ['viewer', 'operator', 'admin', 'predict'] as const)
      as[role] = await bearer(runtime, role);
  });
  afterAll(async () => close?.());

  it('has a policy on every route, and only the survey, health, docs and login are public', () => {
    const routes = app.routePolicies();
    expect(routes.length).toBeGreaterThan(30);
    const publicUrls = routes.filter((r) => r.policy === 'public').map((r) => r.url);
    expect(publicUrls.filter((url) => !PUBLIC.some((pattern) => pattern.test(url)))).toEqual([]);
    // …and the survey really is among them.
    expect(publicUrls).toContain('/v1/survey/responses');
  });

  it('refuses every non-public route to a caller without credentials (walking them all)', async () => {
    const refused: string[] = [];
    for (const { method, url, policy } of app.routePolicies()) {
      if (policy === 'public') continue;
      const concrete = url.replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');
      for (const verb of method.split(',')) {
        const response = await app.inject({ method: verb as 'GET', url: concrete });
        const expected = policy === 'nobody' ? 403 : 401;
        if (response.statusCode !== expected)
          refused.push(`${verb} ${url}: ${response.statusCode}, expected ${expected}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('lets each role do what it grants and nothing more', async () => {
    const call = (headers: object, method: string, url: string, payload?: object) =>
      app.inject({ method: method as 'GET', url, headers: headers as never, payload });
    const moveAlias = (headers: object) =>
      call(headers, 'PUT', '/v1/models/student-depression/aliases/candidate', {
        version: 1,
        reason: 'access test',
      });

    expect((await call(as.viewer, 'GET', '/v1/runs')).statusCode).toBe(200);
    expect((await call(as.viewer, 'GET', '/admin/queues')).statusCode).toBe(200);
    expect((await moveAlias(as.viewer)).statusCode).toBe(403);
    expect((await call(as.viewer, 'POST', '/v1/predict', RECORD)).statusCode).toBe(403);
    expect((await call(as.predict, 'GET', '/v1/runs')).statusCode).toBe(403);
    expect((await call(as.predict, 'POST', '/v1/predict', RECORD)).statusCode).toBe(200);
    expect((await call(as.operator, 'GET', '/v1/tokens')).statusCode).toBe(403);
    const moved = await moveAlias(as.operator);
    expect(moved.statusCode).toBe(200);
    expect((await call(as.admin, 'GET', '/v1/tokens')).statusCode).toBe(200);

    // The change is audited with the caller as actor, whatever the body would have claimed.
    const audit = await call(as.admin, 'GET', '/v1/audit?action=alias');
    const [event] = audit.json().events;
    expect(event).toMatchObject({
      action: 'alias.set',
      target: 'student-depression@candidate',
      reason: 'access test',
    });
    expect(event.actor).toMatch(/^token:test-operator-/);
  });

  it('shows a token once, then knows only its hash; a revoked token is refused at once', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: as.admin,
      payload: { name: 'short-lived', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { token, info } = created.json();
    expect(token).toMatch(/^sdp_[A-Za-z0-9_-]{43}$/);
    const listed = (await app.inject({ url: '/v1/tokens', headers: as.admin })).body;
    expect(listed).toContain(info.id);
    expect(listed).not.toContain(token);
    const stored = await runtime.database.db.selectFrom('access_token').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const headers = { authorization: `Bearer ${token}` };
    expect((await app.inject({ url: '/v1/runs', headers })).statusCode).toBe(200);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${info.id}`,
      headers: as.admin,
    });
    expect(revoked.statusCode).toBe(200);
    const after = await app.inject({ url: '/v1/runs', headers });
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
  });

  it('says only ready or not to an anonymous probe; a viewer sees each backend', async () => {
    const anonymous = (await app.inject({ url: '/readyz' })).json();
    expect(anonymous).toEqual({ status: 'ready' });
    const viewer = (await app.inject({ url: '/readyz', headers: as.viewer })).json();
    expect(Object.keys(viewer.checks)).toEqual(expect.arrayContaining(['database', 'objects']));
  });

  it('logs in a browser with a password: HttpOnly SameSite cookie, CSRF on state changes', async () => {
    await runtime.access.addUser(
      { name: 'ada', role: 'operator', password: 'correct horse battery' },
      'test',
    );
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'user=ada&password=wrong-password-1&next=%2Fadmin%2Fqueues',
    });
    expect(wrong.statusCode).toBe(303);
    expect(wrong.headers.location).toMatch(/^\/login\?failed/);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'user=ada&password=correct+horse+battery&next=%2Fadmin%2Fqueues',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/admin/queues');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^sdp_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0];

    const headers = { cookie: session };
    expect((await app.inject({ url: '/v1/runs', headers })).statusCode).toBe(200);
    const put = (extra: object) =>
      app.inject({
        method: 'PUT',
        url: '/v1/models/student-depression/aliases/candidate',
        headers: { ...headers, ...extra },
        payload: { version: 1, reason: 'from the browser' },
      });
    // A cross-site form cannot send the CSRF token, nor a same-origin Origin.
    expect((await put({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await put({})).statusCode).toBe(403);
    const { csrfToken } = (await app.inject({ url: '/auth/session', headers })).json();
    expect((await put({ 'x-csrf-token': csrfToken })).statusCode).toBe(200);

    await app.inject({ method: 'POST', url: '/auth/logout', headers });
    expect((await app.inject({ url: '/v1/runs', headers })).statusCode).toBe(401);
  });

  it('sends a browser to the login page, and the login only ever back to this server', async () => {
    const page = await app.inject({ url: '/admin/queues', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    const login = (await app.inject({ url: '/login?next=//evil.example/x' })).body;
    expect(login).toContain('name="next" value="/"');
    const { token } = await runtime.access.createToken({ name: 'paste', role: 'viewer' }, 'test');
    const viaToken = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${token}&next=${encodeURIComponent('//evil.example')}`,
    });
    expect(viaToken.headers.location).toBe('/');
  });

  it('serves the survey whatever credentials come along, and refuses them elsewhere', async () => {
    for (const authorization of ['Basic YWRhOnB3', 'Bearer sdp_not-a-real-token']) {
      const survey = await app.inject({
        method: 'POST',
        url: '/v1/survey/responses',
        headers: { authorization },
        payload: submissionBody(studentAnswers({}, [0, 1, 0, 1, 0, 1, 0, 1, 0])),
      });
      expect(survey.statusCode, authorization).toBe(201);
      const runs = await app.inject({ url: '/v1/runs', headers: { authorization } });
      expect(runs.statusCode, authorization).toBe(401);
    }
  });

  it('sends security headers on every answer, the survey included', async () => {
    for (const url of ['/survey', '/v1/runs', '/docs', '/healthz']) {
      const response = await app.inject({ url, headers: as.viewer });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toMatch(/frame-ancestors 'none'/);
      expect(csp, url).not.toMatch(/frame-ancestors 'self'|https:|swagger\.io/);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });

  it('declares the security of every non-public operation in OpenAPI', async () => {
    const document = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(document.components.securitySchemes)).toEqual([
      'bearerAuth',
      'sessionCookie',
    ]);
    const missing: string[] = [];
    for (const [url, item] of Object.entries<Record<string, { security?: unknown[] }>>(
      document.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const open = PUBLIC.some((pattern) => pattern.test(url.replace(/\{(\w+)\}/g, ':$1')));
        if (!open && !operation.security?.length) missing.push(`${method} ${url}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('publishes an OpenAPI document that matches the server: ids, media types, examples', async () => {
    const document = (await app.inject({ url: '/openapi.json' })).json();
    expect(document.servers).toEqual([{ url: '/', description: 'this server' }]);
    const operations = Object.values<Record<string, unknown>>(document.paths).flatMap((item) =>
      Object.values(item),
    ) as unknown as {
      operationId?: string;
      parameters?: { in: string; name: string }[];
      requestBody?: {
        content: Record<string, { schema: { $ref?: string; examples?: unknown[] } }>;
      };
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    }[];
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const withoutExample: string[] = [];
    const schemaOf = (schema: { $ref?: string; examples?: unknown[] }) =>
      schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()!] : schema;
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          // Every problem document is documented as what it is served as.
          if (media.schema.$ref?.endsWith('/Problem'))
            expect(type, status).toBe('application/problem+json');
        }
      }
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        // At the media type (the generator moves a body's own example there) or its component.
        if (!('example' in media) && !schemaOf(media.schema).examples?.length)
          withoutExample.push(operation.operationId!);
      }
    }
    expect(withoutExample).toEqual([]);
    const predict = document.paths['/v1/predict'].post;
    expect(predict.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'x-request-key' })]),
    );
    // No component that nothing refers to.
    const text = JSON.stringify(document.paths) + JSON.stringify(document.components.schemas);
    const unused = Object.keys(document.components.schemas).filter(
      (name) => !text.includes(`"#/components/schemas/${name}"`),
    );
    expect(unused).toEqual([]);
    // And the survey's errors really are served with that media type.
    const bad = await app.inject({ method: 'POST', url: '/v1/survey/responses', payload: {} });
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('never logs a receipt code, only the route', async () => {
    const body = submissionBody(studentAnswers({}, [1, 1, 1, 1, 1, 1, 1, 1, 1]));
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: body,
    });
    const { receiptCode } = submitted.json();
    await runtime.survey.drain();
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/v1/survey/responses/${receiptCode}`,
    });
    expect(deleted.statusCode).toBe(204);
    const log = logText();
    expect(log).toContain('/v1/survey/responses/:receiptCode');
    expect(log).not.toContain(receiptCode);
    expect(log).not.toContain(body.submissionId);
  });
});

describe('rate limits and the metrics allow-list', () => {
  let opened: Awaited<ReturnType<typeof openApp>>;

  beforeAll(async () => {
    opened = await openApp([
      'access.rateLimit.predict.max=5',
      'access.rateLimit.predict.windowMs=60000',
      'access.rateLimit.feedback.max=3',
      'access.rateLimit.feedback.windowMs=60000',
      'access.metricsAllowFrom=[10.0.0.0/8]',
    ]);
  });
  afterAll(async () => opened?.close());

  it('answers a flood of predictions and labels with 429, per token, while the survey goes on', async () => {
    const { app, runtime } = opened;
    const flood = await bearer(runtime, 'predict');
    const other = await bearer(runtime, 'predict');
    // No champion: predictions answer 503, and still count.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await app.inject({ method: 'POST', url: '/v1/predict', headers: flood, payload: RECORD }))
          .statusCode,
      );
    }
    expect(statuses.slice(0, 5).every((status) => status !== 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: flood,
      payload: RECORD,
    });
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another token has its own budget.
    expect(
      (await app.inject({ method: 'POST', url: '/v1/predict', headers: other, payload: RECORD }))
        .statusCode,
    ).not.toBe(429);
    for (let i = 0; i < 3; i++) {
      await app.inject({
        method: 'POST',
        url: '/v1/feedback',
        headers: flood,
        payload: { requestKey: `k${i}`, label: 1 },
      });
    }
    const feedback = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: flood,
      payload: { requestKey: 'k-more', label: 1 },
    });
    expect(feedback.statusCode).toBe(429);
    const survey = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: submissionBody(studentAnswers({}, [0, 0, 0, 0, 0, 0, 0, 0, 0])),
    });
    expect(survey.statusCode).toBe(201);
  });

  it('slows down password guessing: the eleventh login in a minute from one address is refused', async () => {
    const { app } = opened;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { user: 'ada', password: `guess number ${i}` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('lets Prometheus scrape /metrics from an allowed network without a token, no one else', async () => {
    const { app } = opened;
    expect((await app.inject({ url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', remoteAddress: '192.168.1.9' })).statusCode).toBe(
      401,
    );
  });
});
