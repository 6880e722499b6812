import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test/harness/context.js';
import type { DatabaseBackend } from '../../test/harness/backends.js';
import { buildProgram } from '../cli/main.js';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { pino } from 'pino';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { ANALYSIS_ACTOR } from './rollout-service.js';
import { MODEL, openServingFixture, type ServingFixture } from './testing/serving-fixture.js';

describe('automated rollouts with two real model versions (postgres)', () => {
  let fixture: ServingFixture;
  let serving: Runtime;
  let sent = 0;
  let databaseUrl = '';
  /** PostgreSQL, keeping the URL so that `sdp rollout status` can read the same database. */
  const postgres: DatabaseBackend = {
    name: 'postgres',
    async open() {
      databaseUrl = await createTestDatabase();
      const handle = await openDatabase({ url: databaseUrl, poolSize: 5 }, '.');
      await migrateToLatest(handle.db);
      return { handle, cleanup: () => handle.close() };
    },
  };

  beforeAll(async () => {
    fixture = await openServingFixture(postgres);
    serving = fixture.runtime;
    await serving.predictions.start({ analyzeRollouts: false });
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  /** Survey-like traffic: every prediction is followed by its ground truth, as the survey does. */
  async function traffic(n: number): Promise<void> {
    await serving.predictions.refresh();
    for (let i = 0; i < n; i++, sent++) {
      const { depression, ...record } = fixture.traffic[sent % fixture.traffic.length];
      const key = `submission-${sent}`;
      serving.predictions.predict(record, key);
      await serving.predictions.recordOutcome(key, depression);
    }
    await serving.predictions.flushLog();
  }

  it('pauses a step that has too few challenger predictions to judge (inconclusive)', async () => {
    await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.bad,
      mode: 'canary',
      steps: [10, 100],
      intervalMs: 3_600_000,
      actor: 'test',
    });
    expect(await serving.rollouts.analyzeIfDue(MODEL)).toBeNull(); // interval not over yet
    await traffic(50);
    const analysis = await serving.rollouts.analyze(MODEL);
    expect(analysis).toMatchObject({ outcome: 'inconclusive' });
    expect(analysis!.reasons[0]).toMatch(/challenger predictions in this step; at least 200/);
    expect((await serving.rollouts.status(MODEL)).rollout?.status).toBe('paused');
    await serving.rollouts.abort(MODEL, 'test');
  });

  it('rolls a deliberately worse challenger (shuffled labels) back automatically, with reasons', async () => {
    const rollout = await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.bad,
      mode: 'canary',
      steps: [50, 100],
      intervalMs: 3_600_000,
      actor: 'test',
    });
    await traffic(700);
    const analysis = await serving.rollouts.analyze(MODEL);
    expect(analysis?.outcome).toBe('rollback');
    expect(analysis!.reasons.join(' ')).toMatch(/challenger is worse: ROC-AUC .* DeLong p=/);

    const status = await serving.rollouts.status(MODEL);
    expect(status.rollout).toMatchObject({ id: rollout.id, status: 'rolled_back' });
    expect(status.rollout!.statusReason).toMatch(/ROC-AUC/);
    expect(status.aliases).toEqual({ champion: fixture.good });
    const history = status.aliasHistory;
    expect(history[0]).toMatchObject({
      alias: 'challenger',
      toVersion: null,
      actor: ANALYSIS_ACTOR,
    });
    await serving.predictions.refresh();
    expect(serving.predictions.status().mode).toBe('single');
  });

  it('shows the outcome and its reasons in `sdp rollout status`', async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      printed.push(parts.join(' '));
    });
    try {
      await (
        await buildProgram()
      )
        .exitOverride()
        .parseAsync([
          'node',
          'sdp',
          'rollout',
          'status',
          `database.url=${databaseUrl}`,
          `dataDir=${fixture.dataDir}`,
        ]);
    } finally {
      log.mockRestore();
    }
    const output = printed.join('\n');
    expect(output).toMatch(/status rolled_back — challenger is worse: ROC-AUC/);
    expect(output).toMatch(/rollback +challenger is worse/);
    expect(output).toMatch(/challenger .*rollout-analysis/);
  });

  it('promotes a better challenger step by step, keeping the old champion as previous', async () => {
    // An operator made the bad version champion; the good one now has to earn its place.
    await fixture.runtime.registry.setAlias(MODEL, 'champion', fixture.bad, {
      actor: 'test',
      reason: 'set up a weak champion',
    });
    await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.good,
      mode: 'canary',
      steps: [50, 100],
      intervalMs: 3_600_000,
      actor: 'test',
    });
    await traffic(700);
    const first = await serving.rollouts.analyze(MODEL);
    expect(first?.outcome).toBe('continue');
    expect(first!.reasons.join(' ')).toMatch(/quality holds/);
    await serving.predictions.refresh();
    expect(serving.predictions.status()).toMatchObject({ mode: 'canary', weight: 100 });

    await traffic(400);
    const second = await serving.rollouts.analyze(MODEL);
    expect(second?.outcome).toBe('promote');
    const status = await serving.rollouts.status(MODEL);
    expect(status.rollout?.status).toBe('promoted');
    expect(status.analyses.map((a) => a.outcome)).toEqual(['continue', 'promote']);
    expect(status.aliases).toEqual({ champion: fixture.good, previous: fixture.bad });
    const promotion = status.aliasHistory.find(
      (e) => e.alias === 'champion' && e.actor === ANALYSIS_ACTOR,
    );
    expect(promotion).toMatchObject({ fromVersion: fixture.bad, toVersion: fixture.good });
    expect(promotion!.reason).toMatch(/quality holds/);

    await serving.predictions.refresh();
    expect(serving.predictions.status()).toMatchObject({
      mode: 'single',
      champion: { version: fixture.good },
    });
  });

  it('rolls back a promotion with one command (champion → previous), audited', async () => {
    const result = await serving.rollouts.rollback(
      MODEL,
      'ana',
      'complaints from the wellbeing team',
    );
    expect(result).toEqual({ rollout: null, champion: fixture.bad });
    const history = await fixture.runtime.registry.aliasHistory(MODEL, 5);
    expect(history.find((e) => e.alias === 'champion')).toMatchObject({
      toVersion: fixture.bad,
      actor: 'ana',
      reason: 'complaints from the wellbeing team',
    });
  });

  it('keeps one open rollout per model and survives a restart (state is in the database)', async () => {
    await serving.rollouts.start({
      model: MODEL,
      challengerVersion: fixture.good,
      mode: 'shadow',
      intervalMs: 60_000,
      actor: 'test',
    });
    await expect(
      serving.rollouts.start({
        model: MODEL,
        challengerVersion: fixture.good,
        mode: 'canary',
        actor: 'test',
      }),
    ).rejects.toThrow(/already has an open rollout/);
    // Another process over the same database, as after a restart.
    const restarted = await openRuntime(fixture.config, {
      log: pino({ level: 'silent' }),
      database: fixture.database,
      migrate: false,
    });
    await restarted.predictions.start({ analyzeRollouts: false });
    expect(restarted.predictions.status()).toMatchObject({
      mode: 'shadow',
      challenger: { version: fixture.good },
    });
    await restarted.close();
    await serving.rollouts.abort(MODEL, 'test');
  });
});
