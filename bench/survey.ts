/**
 * Survey benchmark: accepted submissions/s and latency of POST /v1/survey/responses at 64
 * connections against PostgreSQL, served by the real program (`sdp serve`, the compiled
 * build, access logging on), then a count check: every accepted submission stored exactly
 * once. 5% of requests are retries of an accepted submission (same id, same answers), which
 * must be answered 200 and store nothing.
 *
 *   npm run build && npx tsx bench/survey.ts [--seconds 20] [--connections 64]
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
 * a database sdp_bench_survey is made afresh there. SDP_BENCH_PROFILE=<dir> writes a V8 CPU
 * profile of the server there.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dropDatabase, freePort, freshDatabase } from './measure.js';
import { QUESTIONNAIRE_VERSION } from '../src/survey/questionnaire.js';
import { studentAnswers } from '../src/survey/testing/answers.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  setupRequest(request: object): object;
  onResponse(status: number, body: string): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: AutocannonRequest[];
}) => Promise<{
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const root = fileURLToPath(new URL('..', import.meta.url));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const seconds = arg('seconds', 20);
const connections = arg('connections', 64);

const databaseUrl = await freshDatabase(adminUrl, 'sdp_bench_survey');
const port = await freePort();
const server = spawn(
  process.execPath,
  [
    ...(process.env.SDP_BENCH_PROFILE
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.SDP_BENCH_PROFILE]
      : []),
    path.join(root, 'bin', 'sdp.js'),
    'serve',
    'survey.rateLimit.submissions=1000000000',
    'log.format=json',
  ],
  {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'ignore'],
  },
);
const base = `http://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {
    // not up yet
  }
  if (tries > 300) throw new Error('sdp serve did not become ready');
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const answers = studentAnswers();
const accepted = new Set<string>();
/** Every id sent: a row outside it would be a submission nobody made. */
const sent = new Set<string>();
let created = 0;
let replayed = 0;
const otherStatuses = new Map<number, number>();

function run(duration: number, record: boolean) {
  return autocannon({
    url: base,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/survey/responses',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          // Mostly new submissions; 1 in 20 a retry of one already accepted.
          const retry = accepted.size > 100 && Math.random() < 0.05;
          const submissionId = retry
            ? [...accepted][Math.floor(Math.random() * Math.min(accepted.size, 1000))]
            : randomUUID();
          sent.add(submissionId);
          return {
            ...request,
            body: JSON.stringify({
              submissionId,
              locale: 'en',
              questionnaireVersion: QUESTIONNAIRE_VERSION,
              consent: true,
              answers,
            }),
          };
        },
        onResponse: (status, body) => {
          if (status === 201 || status === 200) {
            const { submissionId } = JSON.parse(body) as { submissionId: string };
            if (record) {
              if (status === 201) created++;
              else replayed++;
            }
            accepted.add(submissionId);
          } else if (record) otherStatuses.set(status, (otherStatuses.get(status) ?? 0) + 1);
        },
      },
    ],
  });
}

await run(3, false); // warm-up (JIT, pool); its rows are counted in the check too
const result = await run(seconds, true);

// Stop the server first (graceful: in-flight requests finish), so the counts are final.
await new Promise<void>((resolve) => {
  server.once('exit', () => resolve());
  server.kill('SIGTERM');
});
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const { rows } = await client.query<{ total: number; distinct_ids: number }>(
  'select count(*)::int as total, count(distinct submission_id)::int as distinct_ids from survey_response',
);
const found = await client.query<{ n: number }>(
  'select count(*)::int as n from survey_response where submission_id = any($1::uuid[])',
  [[...accepted]],
);
const fromSent = await client.query<{ n: number }>(
  'select count(*)::int as n from survey_response where submission_id = any($1::uuid[])',
  [[...sent]],
);
await client.end();
await dropDatabase(adminUrl, 'sdp_bench_survey');

const lost = accepted.size - found.rows[0].n;
const duplicated = rows[0].total - rows[0].distinct_ids;
const unknown = rows[0].total - fromSent.rows[0].n;
// Requests still in flight when autocannon stops are stored but never acknowledged: at most
// one per connection per run (warm-up and measurement).
const unacknowledged = rows[0].total - found.rows[0].n - unknown;
const ok = lost === 0 && duplicated === 0 && unknown === 0 && unacknowledged <= 2 * connections;
console.log(
  [
    `survey submissions: ${connections} connections, ${seconds} s, PostgreSQL (${new URL(adminUrl).host}), sdp serve (compiled), access log on`,
    `accepted/s: ${Math.round((created + replayed) / seconds).toLocaleString('en')} (new ${Math.round(created / seconds).toLocaleString('en')}/s, retries ${Math.round(replayed / seconds).toLocaleString('en')}/s)`,
    `latency ms: p50 ${result.latency.p50}, p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}`,
    `errors: ${result.errors}, timeouts: ${result.timeouts}, other statuses: ${JSON.stringify(Object.fromEntries(otherStatuses))}`,
    `count check: ${accepted.size} accepted ids, ${rows[0].total} rows; lost ${lost}, duplicated ${duplicated}, not sent ${unknown}; ` +
      `${unacknowledged} stored but unacknowledged (in flight at stop, <= ${2 * connections}) -> ${ok ? 'OK' : 'FAILED'}`,
  ].join('\n'),
);
if (!ok) process.exitCode = 1;
