import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { datasetFile, needsDataset } from '../../test/harness/dataset.js';
import { pino } from 'pino';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { loadConfig } from '../app/config.js';
import { formatKaggleCsv } from '../data/kaggle-csv.js';
import type { LabelledRespondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { readLabelledData, resolveDataset } from '../app/dataset-source.js';
import { evaluate } from './evaluate.js';
import { loadRegisteredModel } from './model-loader.js';
import { trainModel } from './train-model.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const config = (...overrides: string[]) => loadConfig({ env: {}, overrides }).config;

async function openServices(backend = databaseBackends[0]): Promise<Runtime> {
  const { handle, cleanup } = await backend.open();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-train-'));
  const runtime = await openRuntime(config(`dataDir=${dataDir}`), {
    log: pino({ level: 'silent' }),
    database: handle,
    migrate: false,
  });
  cleanups.push(cleanup, () => runtime.close());
  return runtime;
}
const train = (
  services: Runtime,
  dataset: Parameters<typeof trainModel>[1]['dataset'],
  ...overrides: string[]
) => trainModel(services, { dataset, config: config(...overrides), codeVersion: 'sdp@test' });

describe('training on synthetic data (embedded database)', async () => {
  const services = await openServices(databaseBackends[1]);
  const settings = { settings: config().data, config: {} };
  const stored = await storeSyntheticDataset(services.datasets, {
    rows: 3000,
    seed: 5,
    ...settings,
  });
  const dataset = (await services.datasets.resolve(stored.datasetId))!;

  it('tracks the run, registers version 1 as champion and later versions as candidates', async () => {
    const first = await train(services, dataset, 'model=logistic');
    expect(first).toMatchObject({ model: 'student-depression', version: 1, aliases: ['champion'] });
    const run = await services.tracking.getRun(first.runId, { series: true });
    expect(run.status).toBe('finished');
    expect(run.datasetId).toBe(dataset.id);
    expect(run.params).toMatchObject({ model: 'logistic', 'model.C': 1, 'train.seed': 42 });
    expect(run.series?.cv_roc_auc.map((point) => point.step)).toEqual([0, 1, 2, 3, 4]);
    expect(run.artifacts.map((artifact) => artifact.path).sort()).toEqual([
      'evaluation.json',
      'model.json',
    ]);

    const second = await train(services, dataset, 'model=gbdt', 'model.params.maxIter=20');
    expect(second).toMatchObject({ version: 2, aliases: [] });
    const gbdtRun = await services.tracking.getRun(second.runId, { series: true });
    expect(gbdtRun.series?.train_loss.length).toBeGreaterThan(5);
  });

  it('produces a byte-identical artifact from the same data, config and seed', async () => {
    const a = await train(services, dataset, 'model=gbdt', 'model.params.maxIter=30');
    const b = await train(services, dataset, 'model=gbdt', 'model.params.maxIter=30');
    const c = await train(
      services,
      dataset,
      'model=gbdt',
      'model.params.maxIter=30',
      'train.seed=7',
    );
    expect(b.artifactSha256).toBe(a.artifactSha256);
    expect(c.artifactSha256).not.toBe(a.artifactSha256);
    // The identical model is registered once: the second run points at the first's version.
    expect(a.reused).toBe(false);
    expect(b).toMatchObject({ reused: true, version: a.version });
    expect(b.runId).not.toBe(a.runId);
    expect(c).toMatchObject({ reused: false, version: a.version! + 1 });
  });

  it('marks a failed run failed and registers nothing', async () => {
    const before = (await services.registry.getModel('student-depression')).versions.length;
    await expect(train(services, dataset, 'model=logistic', 'model.params.C=-1')).rejects.toThrow(
      /C/,
    );
    const runs = await services.tracking.listRuns({ status: 'failed' });
    expect(runs.length).toBe(1);
    expect((await services.registry.getModel('student-depression')).versions.length).toBe(before);
  });
});

// Behaviour checks of trained models (invariance, direction, minimum functionality) are the
// model tier's: test/model/behaviour.model.test.ts, and `sdp test model` for registered versions.
describe('models trained on the real data ($SDP_DATASET)', needsDataset, () => {
  let services: Runtime;
  const results: Record<string, Awaited<ReturnType<typeof trainModel>>> = {};
  let testRows: LabelledRespondent[];

  beforeAll(async () => {
    services = await openServices();
    const dataset = await resolveDataset(services, datasetFile());
    results.logistic = await train(services, dataset, 'model=logistic');
    results.gbdt = await train(services, dataset, 'model=gbdt');
    testRows = [...generateSynthetic({ rows: 400, seed: 11 })];
  }, 120_000);

  it('meets the quality bar: CV ROC-AUC ≥ 0.920 (logistic) / 0.918 (gbdt), Brier ≤ 0.115', () => {
    expect(results.logistic.metrics.cv_roc_auc_mean).toBeGreaterThanOrEqual(0.92);
    expect(results.gbdt.metrics.cv_roc_auc_mean).toBeGreaterThanOrEqual(0.918);
    expect(results.logistic.metrics.brier).toBeLessThanOrEqual(0.115);
    expect(results.gbdt.metrics.brier).toBeLessThanOrEqual(0.115);
  });

  it('evaluates the champion on a CSV it has never seen', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sdp-eval-')), 'unseen.csv');
    writeFileSync(file, formatKaggleCsv(testRows, { variant: 'unquoted' }));
    const champion = await loadRegisteredModel(
      services.registry,
      services.blobs,
      'student-depression@champion',
    );
    expect(champion.version.version).toBe(results.logistic.version);
    const data = await readLabelledData(services, file);
    const { metrics } = evaluate(champion.pipeline, data.records, champion.artifact.threshold);
    expect(data.records).toHaveLength(400);
    expect(metrics.roc_auc).toBeGreaterThan(0.85);
  });
});
