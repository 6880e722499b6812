import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { loadConfig } from '../src/app/config.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import type { App } from '../src/platform/http/server.js';
import { createLogger } from '../src/platform/log/logger.js';
import { studentAnswers, submissionBody } from '../src/survey/testing/answers.js';
import { trainModel } from '../src/training/train-model.js';
import { createTestDatabase } from './harness/context.js';

/**
 * The survey and the prediction service together, as `sdp start` wires them: a stored
 * response is scored under its submission id, and its PHQ-9 label joins that prediction.
 */
describe('survey responses as ground truth', () => {
  let runtime: Runtime;
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-survey-scoring-'));
    const { config } = loadConfig({
      env: {},
      overrides: [
        `database.url=${await createTestDatabase()}`,
        `dataDir=${dataDir}`,
        'log.level=silent',
        'train.folds=2',
      ],
    });
    runtime = await openRuntime(config, { log: createLogger(config.log) });
    const settings = { settings: config.data, config: {} };
    const { datasetId } = await storeSyntheticDataset(runtime.datasets, {
      rows: 2000,
      seed: 9,
      ...settings,
    });
    const dataset = (await runtime.datasets.resolve(datasetId))!;
    await trainModel(runtime, { dataset, config, codeVersion: 'sdp@test' });
    app = await createApp(runtime, 'test');
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs a prediction under the submission id with the PHQ-9 label joined', async () => {
    const body = submissionBody(studentAnswers({}, [3, 3, 2, 2, 1, 1, 0, 0, 0]));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: body,
    });
    expect(response.statusCode).toBe(201);
    // The respondent sees the band, never the model's score.
    expect(response.body).not.toMatch(/probability/i);

    // Shutdown order (as runtime.close does it): scoring finishes, then the log is flushed.
    await app.close();
    await runtime.survey.drain();
    await runtime.predictions.flushLog();
    const db = runtime.database.db;
    const logged = await db
      .selectFrom('prediction_log')
      .select(['request_key', 'route', 'version'])
      .where('request_key', '=', body.submissionId)
      .execute();
    expect(logged).toEqual([{ request_key: body.submissionId, route: 'champion', version: 1 }]);
    const feedback = await db
      .selectFrom('prediction_feedback')
      .select(['request_key', 'label'])
      .where('request_key', '=', body.submissionId)
      .execute();
    expect(feedback).toEqual([{ request_key: body.submissionId, label: 1 }]);
  });
});
