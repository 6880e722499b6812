import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { loadConfig } from '../src/app/config.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { generateSynthetic } from '../src/data/synth.js';
import type { App } from '../src/platform/http/server.js';
import { createLogger } from '../src/platform/log/logger.js';
import { studentAnswers, submissionBody } from '../src/survey/testing/answers.js';
import { trainModel } from '../src/training/train-model.js';
import { sql } from 'kysely';
import { bearer, createTestDatabase } from './harness/context.js';

/**
 * The survey and the prediction service together, as `sdp start` wires them: a stored
 * response is scored under `survey:<submission id>`, its PHQ-9 label joins that prediction,
 * nothing linked to it keeps a time finer than the UTC day, and deleting it deletes both.
 */
/** The HTTP app over a fresh database with a champion trained on synthetic rows. */
async function openScoringApp(rows: number, seed: number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-survey-scoring-'));
  const { config } = loadConfig({
    env: {},
    overrides: [
      `database.url=${await createTestDatabase()}`,
      `dataDir=${dataDir}`,
      'log.level=silent',
      'train.folds=2',
    ],
  });
  const runtime = await openRuntime(config, { log: createLogger(config.log) });
  const { datasetId } = await storeSyntheticDataset(runtime.datasets, {
    rows,
    seed,
    settings: config.data,
    config: {},
  });
  const dataset = (await runtime.datasets.resolve(datasetId))!;
  await trainModel(runtime, { dataset, config, codeVersion: 'sdp@test' });
  const app = await createApp(runtime, 'test');
  return {
    runtime,
    app,
    close: async () => {
      await app.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('survey responses as ground truth', () => {
  let runtime: Runtime;
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => ({ runtime, app, close } = await openScoringApp(2000, 9)));
  afterAll(async () => close?.());

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
    const key = `survey:${body.submissionId}`;
    const logged = await db
      .selectFrom('prediction_log')
      .select(['request_key', 'route', 'version'])
      .where('request_key', '=', key)
      .execute();
    expect(logged).toEqual([{ request_key: key, route: 'champion', version: 1 }]);
    const feedback = await db
      .selectFrom('prediction_feedback')
      .select(['request_key', 'label'])
      .where('request_key', '=', key)
      .execute();
    expect(feedback).toEqual([{ request_key: key, label: 1 }]);
  });
});

describe('survey anonymity across the prediction log', () => {
  let runtime: Runtime;
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => ({ runtime, app, close } = await openScoringApp(1000, 4)));
  afterAll(async () => close?.());

  const submit = async () => {
    const body = submissionBody(studentAnswers({}, [2, 2, 2, 1, 1, 1, 1, 0, 0]));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: body,
    });
    expect(response.statusCode).toBe(201);
    return { submissionId: body.submissionId, receiptCode: response.json().receiptCode as string };
  };

  /**
   * The join that recovered millisecond submission times before: each stored response with
   * the prediction and the label logged under its key.
   */
  const linkedTimes = () =>
    sql<{ submission_id: string; at: Date; received_at: Date }>`
      select s.submission_id, p.at, f.received_at
      from survey_response s
      join prediction_log p on p.request_key = 'survey:' || s.submission_id::text
      join prediction_feedback f on f.request_key = p.request_key`.execute(runtime.database.db);

  it('keeps nothing finer than the UTC day beside a survey response', async () => {
    for (let i = 0; i < 5; i++) await submit();
    await runtime.survey.drain();
    await runtime.predictions.flushLog();
    const { rows } = await linkedTimes();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      for (const time of [new Date(row.at), new Date(row.received_at)]) {
        expect(time.toISOString()).toMatch(/T00:00:00\.000Z$/);
      }
    }
  });

  it('deletes the prediction and label of a response deleted by its receipt code', async () => {
    const { submissionId, receiptCode } = await submit();
    const key = `survey:${submissionId}`;
    const db = runtime.database.db;
    const count = async (table: 'prediction_log' | 'prediction_feedback') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('request_key', '=', key)
            .executeTakeFirstOrThrow()
        ).n,
      );
    // Deleted at once: the prediction may still be in the log's buffer, not yet written.
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/v1/survey/responses/${receiptCode}`,
    });
    expect(deleted.statusCode).toBe(204);
    await runtime.predictions.flushLog();
    expect(await count('prediction_log')).toBe(0);
    expect(await count('prediction_feedback')).toBe(0);
  });

  it('refuses predictions and labels under survey keys from HTTP clients', async () => {
    const { submissionId } = await submit();
    const headers = await bearer(runtime, 'predict');
    const forged = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers,
      payload: { requestKey: `survey:${submissionId}`, label: 0 },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors[0].field).toBe('body.requestKey');
    const { depression: _label, ...record } = generateSynthetic({ rows: 1, seed: 3 }).next().value!;
    const predict = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { ...headers, 'x-request-key': key },
        payload: record,
      });
    expect((await predict(`survey:${submissionId}`)).statusCode).toBe(400);
    expect((await predict(`mine-${submissionId}`)).statusCode).toBe(200);
  });
});
