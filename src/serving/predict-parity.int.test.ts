import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestDatabase } from '../../test/harness/context.js';
import { createApp } from '../app/http-app.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { buildProgram } from '../cli/main.js';
import { loadConfig } from '../app/config.js';
import { formatKaggleCsv } from '../data/kaggle-csv.js';
import { generateSynthetic } from '../data/synth.js';
import { resolveDataset } from '../app/dataset-source.js';
import type { App } from '../platform/http/server.js';
import { createLogger } from '../platform/log/logger.js';
import { readLabelledData, type LabelledData } from '../app/dataset-source.js';
import { trainModel } from '../training/train-model.js';

const ROWS = 300;

// Parity is a property of the code, not of the data: synthetic rows in the published format
// go through the same ingest, training and scoring as the Kaggle file would.
describe('acceptance: POST /v1/predict equals sdp predict (champion trained on a CSV)', () => {
  let runtime: Runtime;
  let app: App;
  let dataDir: string;
  let overrides: string[];
  let data: LabelledData;
  let csv: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-parity-'));
    csv = path.join(dataDir, 'respondents.csv');
    writeFileSync(
      csv,
      formatKaggleCsv([...generateSynthetic({ rows: 3_000, seed: 21 })], { variant: 'quoted' }),
    );
    overrides = [
      `database.url=${await createTestDatabase()}`,
      `dataDir=${dataDir}`,
      'log.level=silent',
    ];
    const { config } = loadConfig({
      env: {},
      overrides: [
        ...overrides,
        'train.folds=2',
        'model.parallelism=1',
        // One request after another, as fast as they go: more than the default limit allows.
        'access.rateLimit.predict.max=100000',
      ],
    });
    runtime = await openRuntime(config, { log: createLogger(config.log) });
    app = await createApp(runtime, 'test');
    const dataset = await resolveDataset(runtime, csv);
    await trainModel(runtime, { dataset, config, codeVersion: 'sdp@test' });
    await runtime.predictions.refresh();
    data = await readLabelledData(runtime, csv);
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the same probability (to 1e-9) with the version and contributions', async () => {
    const out = path.join(dataDir, 'scores.csv');
    await (
      await buildProgram()
    )
      .exitOverride()
      .parseAsync([
        'node',
        'sdp',
        'predict',
        '--model',
        'student-depression@champion',
        '--data',
        csv,
        '--out',
        out,
        ...overrides,
      ]);
    const cli = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([id, probability]) => [id, Number(probability)]),
    );
    const headers = await bearer(runtime, 'predict');
    for (let i = 0; i < ROWS; i++) {
      const { depression: _label, ...record } = data.records[i];
      const response = await app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers,
        payload: record,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Math.abs(body.probability - cli.get(data.ids[i])!)).toBeLessThan(1e-9);
      expect(body).toMatchObject({ model: 'student-depression', version: 1, route: 'champion' });
      expect(body.contributions.length).toBe(runtime.config.serving.topContributions);
    }
  });
});
