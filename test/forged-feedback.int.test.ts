import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import type { App } from '../src/platform/http/server.js';
import type { Runtime } from '../src/app/runtime.js';
import {
  MODEL,
  openServingFixture,
  type ServingFixture,
} from '../src/serving/testing/serving-fixture.js';
import { bearer, createTestDatabase } from './harness/context.js';

/**
 * The probe of the access-control issue, replayed: a client sends predictions under keys of
 * its own choosing, then "ground truth" that makes whichever version answered look perfect
 * when it is the challenger and wrong when it is the champion. Before, anyone could, and the
 * rollout analysis promoted a worse challenger ("ROC-AUC 1.0000 vs 0.9677").
 */
describe('acceptance: forged feedback cannot steer a rollout', () => {
  let fixture: ServingFixture;
  let runtime: Runtime;
  let app: App;

  beforeAll(async () => {
    fixture = await openServingFixture(
      {
        name: 'postgres',
        async open() {
          const handle = await openDatabase({ url: await createTestDatabase(), poolSize: 5 }, '.');
          await migrateToLatest(handle.db);
          return { handle, cleanup: () => handle.close() };
        },
      },
      // The attack runs faster than the default limits allow; limits are tested elsewhere.
      ['access.rateLimit.predict.max=100000', 'access.rateLimit.feedback.max=100000'],
    );
    runtime = fixture.runtime;
    app = await createApp(runtime, 'test');
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  /** The attack, with the given headers; returns how many forged labels were accepted. */
  async function attack(headers: Record<string, string>, round: string, n = 800): Promise<number> {
    await runtime.predictions.refresh();
    let accepted = 0;
    for (let i = 0; i < n; i++) {
      const { depression: _truth, ...record } = fixture.traffic[i % fixture.traffic.length];
      const key = `${round}-${i}`;
      const predicted = await app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { ...headers, 'x-request-key': key },
        payload: record,
      });
      if (predicted.statusCode !== 200) continue;
      const { version, label } = predicted.json() as { version: number; label: number };
      const forged = version === fixture.bad ? label : 1 - label;
      const feedback = await app.inject({
        method: 'POST',
        url: '/v1/feedback',
        headers,
        payload: { requestKey: key, label: forged },
      });
      if (feedback.statusCode === 202) accepted++;
    }
    await runtime.predictions.flushLog();
    return accepted;
  }

  const startRollout = () =>
    runtime.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.bad,
      mode: 'canary',
      steps: [50, 100],
      intervalMs: 3_600_000,
      actor: 'test',
    });

  it('refuses an anonymous client, so the worse challenger is not promoted', async () => {
    await startRollout();
    expect(await attack({}, 'anonymous')).toBe(0);
    const analysis = await runtime.rollouts.analyze(MODEL);
    expect(analysis?.outcome).not.toBe('promote');
    const { aliases } = await runtime.registry.getModel(MODEL);
    expect(aliases.champion).toBe(fixture.good);
    await runtime.rollouts.abort(MODEL, 'test');
  });

  it('would have worked with credentials: labels from a predict token are trusted', async () => {
    // The control experiment: the same attack by a holder of a predict token (a trusted
    // source by definition) does move the rollout, so the refusal above is what stopped it.
    await startRollout();
    const trusted = await bearer(runtime, 'predict');
    expect(await attack(trusted, 'trusted')).toBeGreaterThan(700);
    expect((await runtime.rollouts.analyze(MODEL))?.outcome).toBe('continue');
    await attack(trusted, 'trusted-last-step', 400);
    expect((await runtime.rollouts.analyze(MODEL))?.outcome).toBe('promote');
    expect((await runtime.registry.getModel(MODEL)).aliases.champion).toBe(fixture.bad);
  });
});
