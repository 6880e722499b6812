import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { waitFor } from '../../test/harness/wait-for.js';
import type { Respondent } from '../data/record.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import { createLogger } from '../platform/log/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { servingRoutes } from './routes.js';
import { registerServingMetrics } from './serving-metrics.js';
import type { Runtime } from '../app/runtime.js';
import { MODEL, openServingFixture, type ServingFixture } from './testing/serving-fixture.js';

const strip = ({
  depression: _label,
  ...record
}: Respondent & { depression: number }): Respondent => record;

describe.each(databaseBackends)('prediction service over HTTP ($name)', (backend) => {
  let fixture: ServingFixture;
  let serving: Runtime;
  let app: App;
  let records: Respondent[];

  beforeAll(async () => {
    // Refreshes only when a test asks for one.
    fixture = await openServingFixture(backend, ['serving.refreshIntervalMs=60000']);
    records = fixture.traffic.map(strip);
    const { runtime, config } = fixture;
    serving = runtime;
    await serving.predictions.start({ analyzeRollouts: false });
    const metrics = createMetrics();
    registerServingMetrics(metrics.registry, serving.predictions);
    app = await createHttpServer({
      log: createLogger({ level: 'silent', format: 'json' }),
      version: 'test',
      metrics,
      routes: [servingRoutes(serving.predictions, config.serving)],
    });
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  const predict = (record: unknown, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/predict',
      payload: record as object,
      headers: key ? { 'x-request-key': key } : {},
    });

  it('scores a record like the registered pipeline, with version, label and contributions', async () => {
    const champion = await loadRegisteredModel(
      fixture.runtime.registry,
      fixture.runtime.blobs,
      `${MODEL}@champion`,
    );
    const expected = champion.pipeline.predictProba(records.slice(0, 20));
    for (let i = 0; i < 20; i++) {
      const response = await predict(records[i], `parity-${i}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Math.abs(body.probability - expected[i])).toBeLessThan(1e-9);
      expect(body).toMatchObject({
        requestKey: `parity-${i}`,
        label: expected[i] >= champion.artifact.threshold ? 1 : 0,
        model: MODEL,
        version: fixture.good,
        route: 'champion',
      });
      expect(body.contributions).toHaveLength(5);
      const sizes = body.contributions.map((c: { value: number }) => Math.abs(c.value));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
  });

  it('counts predictions, prediction-log entries and request durations at /metrics', async () => {
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (text: string, pattern: RegExp): number => {
      const line = text.split('\n').find((l) => pattern.test(l));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const predictions = new RegExp(
      `^sdp_predictions_total\\{model="${MODEL}",version="${fixture.good}",route="champion",outcome="ok"\\}`,
    );
    const written = /^sdp_prediction_log_entries_total\{outcome="written"\}/;
    const requests =
      /^sdp_http_request_duration_seconds_count\{method="POST",route="\/v1\/predict",status_code="200"\}/;
    await serving.predictions.flushLog();
    const before = await scrape();
    for (let i = 0; i < 3; i++)
      expect((await predict(records[i], `metrics-${i}`)).statusCode).toBe(200);
    expect((await predict({ ...records[0], age: 'old' })).statusCode).toBe(400);
    await serving.predictions.flushLog();
    const after = await scrape();
    expect(value(after, predictions) - value(before, predictions)).toBe(3);
    expect(value(after, written) - value(before, written)).toBe(3);
    expect(value(after, requests) - value(before, requests)).toBe(3);
    expect(after).toMatch(/^sdp_prediction_log_entries_total\{outcome="dropped"\} 0$/m);
    expect(after).toMatch(
      new RegExp(
        `^sdp_serving_model_version\\{model="${MODEL}",role="champion"\\} ${fixture.good}$`,
        'm',
      ),
    );
    expect(after).toMatch(
      /^sdp_http_request_duration_seconds_count\{method="POST",route="\/v1\/predict",status_code="400"\} [1-9]/m,
    );
  });

  it('answers an unseen category (never a 500) and lists every bad field as problem+json', async () => {
    const unseen = await predict({ ...records[0], city: 'Atlantis', degree: 'Unknown degree' });
    expect(unseen.statusCode).toBe(200);
    const { cgpa: _cgpa, ...missingCgpa } = records[0];
    const bad = await predict({ ...missingCgpa, age: 'twenty', gender: 'Other', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.age', 'body.gender', 'body.cgpa']));
    expect(fields.length).toBeGreaterThanOrEqual(4); // …and the unknown key
  });

  it('refuses text that cannot be stored with 400, and every other request still logs', async () => {
    await flushLog();
    const logged = serving.predictions.status().log;
    const surrogate = await predict({ ...records[0], city: '\ud800' });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().errors).toEqual([
      { field: 'body.city', message: 'must not contain NUL characters or unpaired surrogates' },
    ]);
    const nul = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      payload: { requestKey: 'k\u0000', label: 1 },
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0].field).toBe('body.requestKey');
    const batch = await app.inject({
      method: 'POST',
      url: '/v1/predict/batch',
      payload: { records: [records[0], { ...records[1], degree: 'B\u0000Sc' }] },
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().errors[0].field).toBe('body.records.1.degree');
    expect((await predict(records[0])).statusCode).toBe(200);
    await flushLog();
    const after = serving.predictions.status().log;
    expect(after.failed).toBe(logged.failed);
    expect(after.written).toBe(logged.written + 1);
  });

  it('scores a batch on one version and refuses one over the configured size', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/predict/batch',
      payload: { records: records.slice(0, 100) },
      headers: { 'x-request-key': 'batch-1' },
    });
    expect(response.statusCode).toBe(200);
    const { predictions } = response.json();
    expect(predictions).toHaveLength(100);
    expect(predictions[7].requestKey).toBe('batch-1/7');
    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/predict/batch',
      payload: { records: records.slice(0, fixture.config.serving.maxBatchSize + 1) },
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('canary: sends about the configured share to the challenger, sticky per request key', async () => {
    await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.bad,
      mode: 'canary',
      steps: [30, 100],
      intervalMs: 3_600_000,
      actor: 'test',
    });
    await serving.predictions.refresh();
    expect(serving.predictions.status()).toMatchObject({ mode: 'canary', weight: 30 });
    const n = 1000;
    let canary = 0;
    for (let i = 0; i < n; i++) {
      const result = serving.predictions.predict(records[i % records.length], `client-${i}`);
      if (result.route === 'canary') {
        canary++;
        expect(result.version).toBe(fixture.bad);
      } else expect(result.version).toBe(fixture.good);
    }
    // Binomial(1000, 0.3): sd ≈ 14.5; ±4 sd.
    expect(Math.abs(canary - 0.3 * n)).toBeLessThan(58);
    for (let i = 0; i < 50; i++) {
      const first = (await predict(records[i], `sticky-${i}`)).json();
      for (let repeat = 0; repeat < 3; repeat++) {
        const again = (await predict(records[(i + repeat + 1) % 100], `sticky-${i}`)).json();
        expect([again.route, again.version]).toEqual([first.route, first.version]);
      }
    }
    for (let b = 0; b < 10; b++) {
      const batch = (
        await app.inject({
          method: 'POST',
          url: '/v1/predict/batch',
          payload: { records: records.slice(0, 20) },
          headers: { 'x-request-key': `batch-client-${b}` },
        })
      ).json();
      expect(new Set(batch.predictions.map((p: { version: number }) => p.version)).size).toBe(1);
    }
    await serving.rollouts.abort(MODEL, 'test');
    await serving.predictions.refresh();
    expect(serving.predictions.status().mode).toBe('single');
  });

  it('shadow: responses are exactly the champion’s, and the challenger’s answers are only logged', async () => {
    const before = await Promise.all(
      records.slice(0, 40).map((r, i) => predict(r, `shadow-${i}`).then((x) => x.json())),
    );
    const rollout = await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.bad,
      mode: 'shadow',
      intervalMs: 3_600_000,
      actor: 'test',
    });
    await serving.predictions.refresh();
    expect(serving.predictions.status()).toMatchObject({
      mode: 'shadow',
      challenger: { version: fixture.bad },
    });
    const during = await Promise.all(
      records.slice(0, 40).map((r, i) => predict(r, `shadow-${i}`).then((x) => x.json())),
    );
    expect(during).toEqual(before);
    await new Promise((resolve) => setImmediate(resolve));
    const status = await serving.rollouts.status(MODEL);
    await waitFor(
      async () => {
        await flushLog();
        const counts = await serving.rollouts.status(MODEL).then((s) => s.stepCounts);
        return counts.shadow === 40 && counts.champion === 40;
      },
      { what: '40 champion and 40 shadow rows in the prediction log' },
    );
    expect(status.rollout?.id).toBe(rollout.id);
    const rows = await fixture.database.db
      .selectFrom('prediction_log')
      .select(['route', 'version', 'probability', 'inputs'])
      .where('rollout_id', '=', rollout.id)
      .execute();
    const shadowRows = rows.filter((row) => row.route === 'shadow');
    expect(new Set(shadowRows.map((row) => row.version))).toEqual(new Set([fixture.bad]));
    // Inputs are logged once per request, on the champion's row.
    expect(shadowRows.every((row) => row.inputs === null && row.probability !== null)).toBe(true);
    expect(rows.filter((row) => row.route === 'champion').every((row) => row.inputs !== null)).toBe(
      true,
    );
    await serving.rollouts.abort(MODEL, 'test');
    await serving.predictions.refresh();
  });

  it('picks up an alias change under load without failing a request', async () => {
    const { registry } = fixture.runtime;
    const answers: { status: number; version: number }[] = [];
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const response = await predict(records[(c * 97 + i) % records.length], `load-${c}-${i}`);
        answers.push({ status: response.statusCode, version: response.json().version });
      }
    };
    const clients = Array.from({ length: 8 }, (_, c) => client(c));
    // Counted answers, not a stopwatch: enough of them on each side of the change.
    await waitFor(() => answers.length >= 25, { what: '25 answers before the alias change' });
    await registry.setAlias(MODEL, 'champion', fixture.bad, {
      actor: 'test',
      reason: 'alias change under load',
    });
    await serving.predictions.refresh();
    const changedAt = answers.length;
    await waitFor(
      () => answers.slice(changedAt).filter((a) => a.version === fixture.bad).length >= 25,
      { what: '25 answers from the new champion' },
    );
    stop = true;
    await Promise.all(clients);
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.version))).toEqual(
      new Set([fixture.good, fixture.bad]),
    );
    expect((await predict(records[0])).json().version).toBe(fixture.bad);
    await registry.setAlias(MODEL, 'champion', fixture.good, { actor: 'test', reason: 'restore' });
    await serving.predictions.refresh();
  });

  it('documents the routes in OpenAPI with examples, as a screening aid', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const predictOperation = document.paths['/v1/predict'].post;
    expect(predictOperation.description).toMatch(/never a diagnosis/);
    expect(JSON.stringify(predictOperation.requestBody)).toContain('"academic_pressure":4');
    expect(Object.keys(predictOperation.responses)).toEqual(
      expect.arrayContaining(['200', '400', '503']),
    );
    expect(document.paths['/v1/predict/batch'].post).toBeDefined();
    expect(document.paths['/v1/feedback'].post).toBeDefined();
  });

  it('joins feedback to a logged prediction, over HTTP and through the service', async () => {
    await predict(records[3], 'feedback-1');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      payload: { requestKey: 'feedback-1', label: 1 },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ requestKey: 'feedback-1', label: 1, matched: true });
    expect(await serving.predictions.recordOutcome('never-predicted', 0)).toBe(false);
    await flushLog();
    const joined = await fixture.database.db
      .selectFrom('prediction_log as p')
      .innerJoin('prediction_feedback as f', 'f.request_key', 'p.request_key')
      .select(['f.label', 'p.probability'])
      .where('p.request_key', '=', 'feedback-1')
      .execute();
    expect(joined).toHaveLength(1);
    expect(joined[0].label).toBe(1);
  });

  it('flushes every buffered prediction on close', async () => {
    const { db } = fixture.database;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('prediction_log')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (let i = 0; i < 30; i++) serving.predictions.predict(records[i], `close-${i}`);
    const accepted = serving.predictions.status().log.accepted;
    await serving.predictions.close();
    expect(await count()).toBe(accepted);
    expect(serving.predictions.status().log).toMatchObject({ dropped: 0, failed: 0, pending: 0 });
  });

  const flushLog = () => serving.predictions.flushLog();
});
