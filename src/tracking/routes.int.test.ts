import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { identity, type Role } from '../access/roles.js';
import { DomainError } from '../errors.js';
import type { AccessControl } from '../platform/http/route-policy.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import type { RunId } from './ids.js';
import { trackingRoutes } from './routes.js';
import {
  openTrackingFixture,
  uniqueName,
  type TrackingFixture,
} from './testing/tracking-fixture.js';

const log = pino({ level: 'silent' });

/**
 * Callers for these tests: `x-role` names the role (default viewer), `x-name` the token;
 * src/access does it for real.
 */
const headerIdentity: AccessControl = {
  prefixes: [],
  securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
  authorize(request, _reply, policy) {
    const role = (request.headers['x-role'] ?? 'viewer') as Role;
    request.caller = identity('token', 'id', String(request.headers['x-name'] ?? 'vic'), role);
    if (policy !== 'public' && !request.caller?.may(policy))
      throw DomainError.forbidden('not allowed');
  },
};
const operator = { 'x-role': 'operator', 'x-name': 'ana' };
const viewer = { 'x-role': 'viewer', 'x-name': 'vic' };

// The routes only translate; PGlite alone keeps this file quick (services are tested on both).
const embedded = databaseBackends.find((backend) => backend.name === 'embedded')!;

describe('tracking routes', () => {
  let fx: TrackingFixture;
  let open: App;
  let model: string;
  let experiment: string;
  let runId: RunId;

  beforeAll(async () => {
    fx = await openTrackingFixture(embedded);
    open = await createHttpServer({
      log,
      version: '0.0.0',
      access: headerIdentity,
      routes: [trackingRoutes(fx)],
    });

    experiment = uniqueName('exp');
    const run = await fx.tracking.startRun({
      experiment,
      name: 'train',
      params: { depth: 4 },
      seed: 7,
    });
    runId = run.id;
    for (let step = 0; step < 3; step++)
      await fx.tracking.logMetric(run.id, 'loss', 1 - step / 10, step);
    const artifact = await fx.tracking.logArtifact(
      run.id,
      'pipeline.json',
      '{}',
      'application/json',
    );
    await fx.tracking.endRun(run.id, 'finished');
    model = uniqueName('m');
    for (let i = 0; i < 2; i++) {
      await fx.registry.registerVersion({
        model,
        runId: run.id,
        artifactKey: artifact.blobKey,
        artifactSha256: artifact.sha256,
        signature: { inputs: [] },
        metrics: { auc: 0.8 + i / 100 },
      });
    }
  });
  afterAll(async () => {
    await open?.close();
    await fx?.cleanup();
  });

  it('lists runs filtered by experiment and status, with ISO timestamps', async () => {
    const response = await open.inject({
      url: `/v1/runs?experiment=${experiment}&status=finished`,
    });
    expect(response.statusCode).toBe(200);
    const { runs } = response.json();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      id: runId,
      experiment,
      status: 'finished',
      params: { depth: 4 },
      seed: 7,
    });
    expect(runs[0].startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(
      (await open.inject({ url: `/v1/runs?experiment=${experiment}&status=running` })).json().runs,
    ).toEqual([]);
  });

  it('shows a run with metrics, artifacts and series on request', async () => {
    const plain = (await open.inject({ url: `/v1/runs/${runId}` })).json();
    expect(plain.metrics).toEqual([
      { key: 'loss', value: 0.8, step: 2, points: 3, min: 0.8, max: 1, firstStep: 0 },
    ]);
    expect(plain.artifacts[0]).toMatchObject({
      path: 'pipeline.json',
      contentType: 'application/json',
    });
    expect(plain.series).toBeUndefined();
    const withSeries = (await open.inject({ url: `/v1/runs/${runId}?series=true` })).json();
    expect(withSeries.series.loss.map((p: { step: number }) => p.step)).toEqual([0, 1, 2]);
  });

  it('answers unknown and malformed ids with problem+json', async () => {
    const missing = await open.inject({ url: `/v1/runs/${'0'.repeat(32)}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().detail).toContain('0'.repeat(32));
    const malformed = await open.inject({ url: '/v1/runs/not-an-id' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('params.id');
    expect((await open.inject({ url: '/v1/runs?limit=0' })).statusCode).toBe(400);
    expect((await open.inject({ url: '/v1/runs?status=done' })).statusCode).toBe(400);
  });

  it('lists models and shows a model, a version and 404s naming what exists', async () => {
    const { models } = (await open.inject({ url: '/v1/models' })).json();
    expect(models.find((m: { name: string }) => m.name === model)).toMatchObject({
      versionCount: 2,
      aliases: { champion: 1 },
    });

    const details = (await open.inject({ url: `/v1/models/${model}` })).json();
    expect(details.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const version = await open.inject({ url: `/v1/models/${model}/versions/1` });
    expect(version.json()).toMatchObject({
      ref: `${model}/1`,
      runId,
      metrics: { auc: 0.8 },
      aliases: ['champion'],
    });

    const noVersion = await open.inject({ url: `/v1/models/${model}/versions/9` });
    expect(noVersion.statusCode).toBe(404);
    expect(noVersion.json().detail).toBe(`Model "${model}" has no version 9; versions: 1–2`);
    const noModel = await open.inject({ url: '/v1/models/nobody' });
    expect(noModel.statusCode).toBe(404);
    expect(noModel.json().detail).toContain(`"${model}"`);
    expect((await open.inject({ url: `/v1/models/${model}/versions/zero` })).statusCode).toBe(400);
  });

  it('moves an alias for an operator, audited with the caller as actor', async () => {
    const response = await open.inject({
      method: 'PUT',
      url: `/v1/models/${model}/aliases/champion`,
      headers: operator,
      payload: { version: 2, reason: 'better auc' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ fromVersion: 1, toVersion: 2, changed: true });

    const history = (await open.inject({ url: `/v1/models/${model}/aliases/history` })).json()
      .events;
    expect(history.slice(0, 2)).toMatchObject([
      { alias: 'champion', fromVersion: 1, toVersion: 2, actor: 'token:ana', reason: 'better auc' },
      { alias: 'previous', fromVersion: null, toVersion: 1, actor: 'token:ana' },
    ]);

    // The body cannot claim another actor.
    const claimed = await open.inject({
      method: 'PUT',
      url: `/v1/models/${model}/aliases/challenger`,
      headers: operator,
      payload: { version: 1, reason: 'shadow test', actor: 'someone-else' },
    });
    expect(claimed.statusCode).toBe(400);
  });

  it('rejects bad alias changes: 400 for bad input, 404 for a missing version', async () => {
    const put = (alias: string, payload: object) =>
      open.inject({
        method: 'PUT',
        url: `/v1/models/${model}/aliases/${alias}`,
        headers: operator,
        payload,
      });
    const noReason = await put('challenger', { version: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors.map((e: { field: string }) => e.field)).toContain('body.reason');
    expect((await put('Bad Alias', { version: 1, reason: 'x' })).statusCode).toBe(400);
    expect((await put('challenger', { version: 1, reason: '   ' })).statusCode).toBe(400);
    const missing = await put('challenger', { version: 42, reason: 'typo' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain('versions: 1–2');
  });

  it('refuses alias changes to a viewer with 403, before looking at the body', async () => {
    const before = (await fx.registry.getModel(model)).aliases;
    const put = (payload: object) =>
      open.inject({
        method: 'PUT',
        url: `/v1/models/${model}/aliases/champion`,
        headers: viewer,
        payload,
      });
    const response = await put({ version: 1, reason: 'sneaky' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 403, title: 'Forbidden' });
    expect((await put({})).statusCode).toBe(403);
    expect((await fx.registry.getModel(model)).aliases).toEqual(before);
    expect((await open.inject({ url: `/v1/models/${model}`, headers: viewer })).statusCode).toBe(
      200,
    );
  });

  it('describes every route and its schemas in the OpenAPI document', async () => {
    const document = (await open.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/runs',
        '/v1/runs/{id}',
        '/v1/models',
        '/v1/models/{name}',
        '/v1/models/{name}/versions/{version}',
        '/v1/models/{name}/aliases/history',
        '/v1/models/{name}/aliases/{alias}',
      ]),
    );
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'Run',
        'RunDetails',
        'ModelVersion',
        'AliasEvent',
        'SetAliasRequest',
        'Problem',
      ]),
    );
    expect(document.components.schemas.ModelVersion.examples).toHaveLength(1);
    const put = document.paths['/v1/models/{name}/aliases/{alias}'].put;
    expect(put.responses).toHaveProperty('403');
    expect(put.security).toEqual([{ bearerAuth: [] }]);
  });
});
