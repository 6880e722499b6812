import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { loadConfig } from '../app/config.js';
import type { Kysely } from 'kysely';
import { DatasetRepository } from '../data/dataset-repository.js';
import { resolveDataset } from '../app/dataset-source.js';
import type { Database } from '../platform/db/schema.js';
import type { RouteModule } from '../platform/http/server.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createHttpServer, type App } from '../platform/http/server.js';
import type { SurveySettings } from './settings.js';
import { surveyRoutes } from './survey-routes.js';
import {
  SurveyService,
  type OnResponseStored,
  type ResponseStoredEvent,
} from './survey-service.js';
import { surveyWebRoutes } from './survey-web.js';
import { exportSurveyKaggle } from './survey-export.js';
import { SurveyRepository } from './survey-repository.js';
import { studentAnswers, submissionBody } from './testing/answers.js';

const log = pino({ level: 'silent' });
// The survey's clock, fixed: the stored day must not depend on when (say, around midnight
// UTC) the test runs. A leap day, so a day computed any other way cannot match by chance.
const TODAY = '2024-02-29';
const TOMORROW = '2024-03-01';
const { config } = loadConfig({ overrides: [] });

/** The survey's routes over one database, wired as the runtime wires them, on the fixed day. */
function surveyApp(
  db: Kysely<Database>,
  settings: SurveySettings,
  onResponseStored?: OnResponseStored,
): RouteModule[] {
  const service = new SurveyService({
    repository: new SurveyRepository(db),
    maxUnansweredShare: settings.maxUnansweredShare,
    log,
    onResponseStored,
    today: () => TODAY,
  });
  return [surveyRoutes(service, settings), surveyWebRoutes(settings)];
}

describe.each(databaseBackends)('survey API on $name', (backend) => {
  let database: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let app: App;
  const hookCalls: ResponseStoredEvent[] = [];
  let failHook = false;

  const count = async () =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from survey_response`.execute(
          database.db,
        )
      ).rows[0].n,
    );
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/survey/responses', payload: body as object, headers });

  beforeAll(async () => {
    ({ handle: database, cleanup } = await backend.open());
    app = await createHttpServer({
      log,
      version: '0.0.0',
      routes: surveyApp(
        database.db,
        { ...config.survey, rateLimit: { ...config.survey.rateLimit, submissions: 10_000 } },
        // A real hook: records every call, or fails on demand.
        async (event) => {
          if (failHook) throw new Error('prediction service down');
          hookCalls.push(event);
        },
      ),
    });
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });
  beforeEach(async () => {
    hookCalls.length = 0;
    failHook = false;
    await sql`delete from survey_response`.execute(database.db);
  });

  it('stores a response once, with a day-coarsened time and nothing that identifies the client', async () => {
    const body = submissionBody(studentAnswers({}, [2, 2, 2, 1, 1, 1, 1, 0, 0]));
    const response = await post(body, {
      'user-agent': 'TestAgent/1.0',
      'x-forwarded-for': '203.0.113.9',
      cookie: 'a=b',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['set-cookie']).toBeUndefined();
    const json = response.json();
    expect(json).toMatchObject({
      submissionId: body.submissionId,
      phq9: { total: 10, band: 'moderate' },
    });
    expect(json.receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);

    const columns = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_name = 'survey_response'`.execute(
      database.db,
    );
    const types = Object.fromEntries(columns.rows.map((row) => [row.column_name, row.data_type]));
    expect(
      Object.keys(types).filter((name) =>
        /(^|_)ip($|_)|agent|cookie|address|created|_at$|time/i.test(name),
      ),
    ).toEqual([]);
    expect(types.submitted_on).toBe('date');
    expect(Object.values(types)).not.toContain('timestamp with time zone');
    const stored = await sql<
      Record<string, unknown>
    >`select *, submitted_on::text as day from survey_response`.execute(database.db);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].day).toBe(TODAY);
    expect(JSON.stringify(stored.rows[0])).not.toMatch(/TestAgent|203\.0\.113|a=b/);
    expect(stored.rows[0]).toMatchObject({ state: 'training', phq9_total: 10, phq9_label: 1 });

    expect(hookCalls).toEqual([
      {
        submissionId: body.submissionId,
        phq9Label: 1,
        record: expect.objectContaining({ gender: 'Female', age: 21, work_pressure: 0 }),
      },
    ]);
  });

  it('is idempotent: retries and concurrent double submits store one row and return one receipt', async () => {
    const body = submissionBody();
    const first = await post(body);
    const again = await post(body);
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json().receiptCode).toBe(first.json().receiptCode);

    const twin = submissionBody();
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(twin)));
    expect(burst.filter((response) => response.statusCode === 201)).toHaveLength(1);
    expect(burst.filter((response) => response.statusCode === 200)).toHaveLength(7);
    expect(new Set(burst.map((response) => response.json().receiptCode)).size).toBe(1);
    expect(await count()).toBe(2);
    expect(hookCalls).toHaveLength(2);
  });

  it('refuses a reused submission id with other answers (409)', async () => {
    const body = submissionBody();
    await post(body);
    const other = await post({ ...body, answers: { ...body.answers, age: 30 } });
    expect(other.statusCode).toBe(409);
    expect(await count()).toBe(1);
  });

  const huge = 'x'.repeat(10_000);
  const hostile: [string, () => unknown][] = [
    ['an array body', () => [submissionBody()]],
    ['a string body', () => 'hello'],
    ['null answers', () => submissionBody(null as never)],
    [
      'wrong types',
      () =>
        submissionBody({ ...studentAnswers(), age: '21', phq9_1: true, academic_pressure: [4] }),
    ],
    ['an extra top-level field', () => submissionBody(studentAnswers(), { isAdmin: true })],
    ['an extra answer', () => submissionBody({ ...studentAnswers(), comment: 'free text' })],
    ['a huge string', () => submissionBody({ ...studentAnswers(), gender: huge })],
    ['a huge key', () => submissionBody({ ...studentAnswers(), [huge]: 1 })],
    [
      'script tags',
      () => submissionBody({ ...studentAnswers(), city: '<script>alert(1)</script>' }),
    ],
    [
      'script in the id',
      () => submissionBody(studentAnswers(), { submissionId: '<img src=x onerror=alert(1)>' }),
    ],
    ['an object as an answer', () => submissionBody({ ...studentAnswers(), degree: { $gt: '' } })],
    [
      'out-of-range numbers',
      () => submissionBody({ ...studentAnswers(), age: 1e308, phq9_2: 4, cgpa: -1 }),
    ],
    ['a fractional scale', () => submissionBody({ ...studentAnswers(), phq9_2: 1.5 })],
    ['too many decimals', () => submissionBody({ ...studentAnswers(), cgpa: 7.123 })],
    ['no consent', () => submissionBody(studentAnswers(), { consent: 'yes' })],
    ['an unknown locale', () => submissionBody(studentAnswers(), { locale: 'xx' })],
    [
      'an old questionnaire',
      () => submissionBody(studentAnswers(), { questionnaireVersion: '1999-1' }),
    ],
    ['a missing PHQ-9 item', () => submissionBody({ ...studentAnswers(), phq9_5: undefined })],
    [
      'a prototype key',
      () => JSON.parse(`{"__proto__": {"polluted": true}, "submissionId": "${randomUUID()}"}`),
    ],
  ];

  it.each(hostile)('answers %s with a clear 400 and stores nothing', async (_name, make) => {
    const body = make();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: typeof body === 'string' ? JSON.stringify(body) : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = response.json();
    expect(problem.status).toBe(400);
    expect(problem.detail).toBeTruthy();
    expect(JSON.stringify(problem)).not.toContain('<script>');
    expect(await count()).toBe(0);
    expect(hookCalls).toEqual([]);
  });

  it('answers malformed JSON with 400, an oversized body with 413 and a plain-text body with 400, storing nothing', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: '{"submissionId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    const oversized = await post(
      submissionBody({ ...studentAnswers(), gender: 'x'.repeat(config.survey.bodyLimitBytes) }),
    );
    expect(oversized.statusCode).toBe(413);
    const text = await app.inject({
      method: 'POST',
      url: '/v1/survey/responses',
      payload: 'gender=female',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(400);
    expect(await count()).toBe(0);
  });

  it('localizes field errors to the body locale, else Accept-Language', async () => {
    const polish = await post(submissionBody({ ...studentAnswers(), age: 12 }, { locale: 'pl' }));
    expect(polish.headers['content-language']).toBe('pl');
    expect(polish.json().errors).toEqual([
      { field: 'answers.age', message: 'Proszę podać liczbę od 18 do 100.' },
    ]);
    const byHeader = await post(
      {
        ...submissionBody(),
        locale: 'xx',
        answers: { ...studentAnswers(), sleep_duration: 'never' },
      },
      { 'accept-language': 'pl-PL,pl;q=0.9' },
    );
    expect(byHeader.json().errors).toEqual([
      { field: 'locale', message: 'Język musi mieć wartość „en” lub „pl”.' },
      { field: 'answers.sleep_duration', message: 'Proszę wybrać jedną z odpowiedzi.' },
    ]);
    const english = await post(submissionBody({ ...studentAnswers(), age: 12 }));
    expect(english.json().errors[0].message).toBe('Please enter a number from 18 to 100.');
  });

  it('keeps skipped optional items and "another gender" as missing values in the training data, scored by the hook; only too many skips go to review', async () => {
    const sparse = await post(
      submissionBody({ ...studentAnswers(), cgpa: null, financial_stress: undefined }),
    );
    const another = await post(submissionBody(studentAnswers({ gender: 'another' })));
    const empty = await post(
      submissionBody({
        ...studentAnswers(),
        cgpa: null,
        financial_stress: null,
        city: null,
        gender: null,
        family_history: null,
        suicidal_thoughts: null,
      }),
    );
    expect([sparse.statusCode, another.statusCode, empty.statusCode]).toEqual([201, 201, 201]);
    const rows = await sql<{
      state: string;
      review_reason: string | null;
      record: Record<string, unknown>;
    }>`
      select state, review_reason, record from survey_response`.execute(database.db);
    expect(rows.rows.map((row) => [row.state, row.review_reason])).toEqual([
      ['training', null],
      ['training', null],
      ['training', null],
    ]);
    const values = rows.rows.map((row) => [row.record.cgpa, row.record.gender]);
    expect(values).toHaveLength(3);
    expect(values).toEqual(
      expect.arrayContaining([
        [null, 'Female'],
        [studentAnswers().cgpa, null],
        [null, null],
      ]),
    );
    expect(hookCalls).toHaveLength(3);
  });

  it('keeps the response when the scoring hook fails', async () => {
    failHook = true;
    const response = await post(submissionBody());
    expect(response.statusCode).toBe(201);
    expect(await count()).toBe(1);
  });

  it('deletes a response by its receipt code, once', async () => {
    const { receiptCode } = (await post(submissionBody())).json();
    await post(submissionBody());
    const url = `/v1/survey/responses/${receiptCode.toLowerCase()}`;
    expect((await app.inject({ method: 'DELETE', url })).statusCode).toBe(204);
    expect(await count()).toBe(1);
    expect((await app.inject({ method: 'DELETE', url })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'DELETE', url: '/v1/survey/responses/%3Cscript%3E' })).statusCode,
    ).toBe(404);
    expect(await count()).toBe(1);
  });

  it('exports training responses in the Kaggle format with small groups suppressed, and stores them as a dataset version', async () => {
    // Ten alike respondents (one group, half of them positive) and one who stands out.
    for (let i = 0; i < 10; i++)
      await post(
        submissionBody(
          studentAnswers({}, i % 2 ? [3, 3, 3, 1, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ),
      );
    await post(submissionBody(studentAnswers({ age: 55, city: 'Pune' })));
    await post(submissionBody(studentAnswers({ gender: 'another' })));

    const exported = await exportSurveyKaggle(new SurveyRepository(database.db), {
      k: 5,
      variant: 'quoted',
    });
    const lines = [...exported.lines];
    // Suppressed: the one who stands out, and the one of another gender (a group of one).
    expect(exported).toMatchObject({ rows: 10, suppressed: 2 });
    expect(lines[0]).toMatch(/^id,Gender,Age,City,/);
    // Rows are ordered by day, then by random submission id: which of the ten comes first
    // is chance, so compare everything but the label, and count the labels.
    expect(lines[1].replace(/[01]\n$/, '')).toBe(
      "1,Female,21.0,Other,Student,4.0,0.0,7.5,2.0,0.0,'5-6 hours',Moderate,BSc,No,8.0,3.0,No,",
    );
    expect(
      lines
        .slice(1)
        .map((line) => line.trim().at(-1))
        .sort(),
    ).toEqual(['0', '0', '0', '0', '0', '1', '1', '1', '1', '1']);
    expect(lines.join('')).not.toMatch(/Pune/);
    expect(
      (
        await exportSurveyKaggle(new SurveyRepository(database.db), {
          since: TOMORROW,
          k: 5,
          variant: 'quoted',
        })
      ).rows,
    ).toBe(0);

    const sources = {
      datasets: new DatasetRepository(database.db),
      surveys: new SurveyRepository(database.db),
      config,
    };
    const dataset = await resolveDataset(sources, `survey:since=${TODAY}`);
    // Inside the database nothing is suppressed: all twelve, another gender's as a missing value.
    expect(dataset).toMatchObject({ name: 'survey', synthetic: false, rows: 12, positives: 5 });
    expect((await resolveDataset(sources, 'survey')).id).toBe(dataset.id);
    await expect(resolveDataset(sources, 'survey:since=yesterday')).rejects.toThrow(
      /survey:since=YYYY-MM-DD/,
    );
  });
});

describe('survey API rate limit', () => {
  it('answers 429 with Retry-After once a client is over its limit, keeping nothing about it', async () => {
    const embedded = databaseBackends.find((backend) => backend.name === 'embedded')!;
    const { handle, cleanup } = await embedded.open();
    const app = await createHttpServer({
      log,
      version: '0.0.0',
      routes: surveyApp(handle.db, {
        ...config.survey,
        // An hour's window: however slow the machine, the three requests share it.
        rateLimit: { windowMs: 3_600_000, submissions: 2, deletions: 1 },
      }),
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (
            await app.inject({
              method: 'POST',
              url: '/v1/survey/responses',
              payload: submissionBody(),
            })
          ).statusCode,
        );
      expect(statuses).toEqual([201, 201, 429]);
      const limited = await app.inject({
        method: 'POST',
        url: '/v1/survey/responses',
        payload: submissionBody(),
      });
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await app.close();
      await cleanup();
    }
  });
});
