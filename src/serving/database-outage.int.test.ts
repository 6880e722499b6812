import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../test/harness/services.js';
import { loadConfig } from '../app/config.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { trainModel } from '../training/train-model.js';

/**
 * The prediction service over a PostgreSQL server of this test's own, which it stops: a
 * registry that cannot be read for a while is no reason to drop the loaded champion.
 */
describe('prediction service during a database outage', () => {
  let cluster: ThrowawayPostgres;
  let runtime: Runtime;
  let dataDir: string;
  let record: Respondent;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-outage-'));
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${cluster.url}`,
        'database.poolSize=2',
        `dataDir=${dataDir}`,
        'train.folds=2',
        'model.parallelism=1',
        // Refreshes only when the test asks for one.
        'serving.refreshIntervalMs=600000',
      ],
    });
    runtime = await openRuntime(config, { log: pino({ level: 'silent' }) });
    const { datasetId } = await storeSyntheticDataset(runtime.datasets, {
      rows: 1000,
      seed: 4,
      settings: config.data,
      config: {},
    });
    const dataset = (await runtime.datasets.resolve(datasetId))!;
    await trainModel(runtime, { dataset, config, codeVersion: 'sdp@test' });
    await runtime.predictions.start({ analyzeRollouts: false });
    const { depression: _label, ...first } = [...generateSynthetic({ rows: 1, seed: 8 })][0];
    record = first;
  });
  afterAll(async () => {
    await runtime?.close().catch(() => {});
    await cluster?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps serving the cached champion while the registry is unreachable, and recovers', async () => {
    const before = runtime.predictions.predict(record, 'before');
    expect(before.version).toBe(1);

    await cluster.stop('fast');
    await runtime.predictions.refresh();
    const during = runtime.predictions.status();
    expect(during.lastRefreshError).not.toBeNull();
    expect(during).toMatchObject({ mode: 'single', champion: { version: 1 } });
    const answer = runtime.predictions.predict(record, 'during');
    expect(answer).toMatchObject({ version: 1, probability: before.probability });

    // Back up: a later refresh succeeds (the pool drops connections the outage broke).
    await cluster.start();
    await vi.waitFor(
      async () => {
        await runtime.predictions.refresh();
        expect(runtime.predictions.status()).toMatchObject({
          lastRefreshError: null,
          champion: { version: 1 },
        });
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});
