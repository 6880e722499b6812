import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from './harness/backends.js';
import { SAMPLE_RECORD } from '../src/data/testing/sample-record.js';
import type { Respondent } from '../src/data/record.js';
import type { DatabaseHandle } from '../src/platform/db/database.js';
import { PredictionLog, type PredictionLogEntry } from '../src/serving/prediction-log.js';
import { PredictionLogRepository } from '../src/serving/prediction-log-repository.js';
import { SurveyRepository, type NewResponse } from '../src/survey/survey-repository.js';

// One value the database cannot store (NUL is refused by text and jsonb; a lone surrogate has
// no UTF-8 form) among 299 good ones, written through the repositories' shared group writes:
// only the bad one may fail. The HTTP, CSV and job boundaries refuse such values before they
// get here; this is the second line, for a value that slips through some other way.
const ROWS = 300;
const POISON_AT = 137;
const { depression: _label, ...RESPONDENT } = SAMPLE_RECORD;

const count = async (database: DatabaseHandle, table: string) =>
  Number(
    (
      await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        database.db,
      )
    ).rows[0].n,
  );

function response(i: number): NewResponse {
  const record: Respondent = { ...RESPONDENT, city: i === POISON_AT ? 'Pune\u0000' : 'Pune' };
  return {
    submissionId: randomUUID(),
    receiptCode: `R${i}`,
    payloadHash: `h${i}`,
    submittedOn: '2024-02-29',
    questionnaireVersion: 'test',
    locale: 'en',
    state: 'training',
    reviewReason: null,
    answers: {},
    record,
    phq9Total: 3,
    phq9Label: 0,
  };
}

function prediction(i: number): PredictionLogEntry {
  return {
    at: Date.UTC(2024, 1, 29),
    model: 'depression',
    version: 1,
    route: 'champion',
    requestKey: `p${i}`,
    rolloutId: null,
    inputs: { ...RESPONDENT, city: i === POISON_AT ? '\ud800' : 'Pune' },
    probability: 0.5,
    label: 0,
    latencyUs: 10,
    error: null,
  };
}

describe.each(databaseBackends)('one unstorable value among 300 on $name', (backend) => {
  let database: DatabaseHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ handle: database, cleanup } = await backend.open());
  });
  afterAll(() => cleanup());

  it('fails only its own survey response', async () => {
    const repository = new SurveyRepository(database.db);
    const settled = await Promise.allSettled(
      Array.from({ length: ROWS }, (_, i) => repository.insert(response(i))),
    );
    const rejected = settled.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([POISON_AT]);
    expect(await count(database, 'survey_response')).toBe(ROWS - 1);
  });

  it('fails only its own feedback label', async () => {
    const repository = new PredictionLogRepository(database.db);
    const settled = await Promise.allSettled(
      Array.from({ length: ROWS }, (_, i) =>
        repository.addFeedback(i === POISON_AT ? 'k\u0000' : `k${i}`, 1),
      ),
    );
    const rejected = settled.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([POISON_AT]);
    expect(await count(database, 'prediction_feedback')).toBe(ROWS - 1);
  });

  it('loses only its own prediction-log entry', async () => {
    const errors: number[] = [];
    const log = new PredictionLog(new PredictionLogRepository(database.db), {
      bufferSize: 1000,
      batchSize: 1000,
      flushIntervalMs: 60_000,
      onWriteError: (_error, lost) => errors.push(lost),
    });
    for (let i = 0; i < ROWS; i++) expect(log.append(prediction(i))).toBe(true);
    await log.close();
    expect(log.stats()).toMatchObject({ accepted: ROWS, written: ROWS - 1, failed: 1 });
    expect(errors).toEqual([1]);
    expect(await count(database, 'prediction_log')).toBe(ROWS - 1);
  });
});
