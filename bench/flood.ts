/**
 * Flood benchmark (the access-control issue's probe): the survey's latency while one token
 * floods POST /v1/predict and /v1/feedback, on the real program (`sdp start`, embedded, its
 * first champion), with the default rate limits and — in the same run, as the reference —
 * with them lifted. The survey is driven at a steady rate (so its p99 is the server's, not
 * the load generator's); the flood runs as fast as its connections go.
 *
 *   npm run build && npx tsx bench/flood.ts [--seconds 15] [--rounds 1] [--survey-rate 50] [--flood-rate 2000]
 *     [--flood-connections 64] [--extra 'key=value …']
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_RESPONDENT } from '../src/serving/schemas.js';
import { QUESTIONNAIRE_VERSION } from '../src/survey/questionnaire.js';
import { studentAnswers } from '../src/survey/testing/answers.js';
import { freePort } from './measure.js';

interface Result {
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: object) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const seconds = arg('seconds', 15);
const surveyRate = arg('survey-rate', 50);
const floodConnections = arg('flood-connections', 64);
/**
 * Flood requests per second, the same in both runs (0: as fast as the connections go). A
 * fixed rate compares like with like: the load generator shares this machine's two cores,
 * so a flood answered faster (429s are cheap) would also steal more CPU from the server.
 */
const floodRate = arg('flood-rate', 2000);
/** `--feedback 0`: flood predictions only. */
const withFeedback = arg('feedback', 1) !== 0;
/** `--extra 'key=value …'`: overrides for both servers (e.g. log.level=warn). */
const extra = (() => {
  const index = process.argv.indexOf('--extra');
  return index > 0 ? process.argv[index + 1].split(' ').filter(Boolean) : [];
})();

async function startSdp(overrides: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-flood-'));
  const token = `sdp_${randomBytes(32).toString('base64url')}`;
  writeFileSync(path.join(dataDir, 'admin-token'), token);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // SDP_BENCH_PROFILE=<dir>: a V8 CPU profile of each server there.
      ...(process.env.SDP_BENCH_PROFILE
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.SDP_BENCH_PROFILE]
        : []),
      path.join(root, 'bin', 'sdp.js'),
      'start',
      'log.format=json',
      ...overrides,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SDP_DATA_DIR: dataDir,
        SDP_ADMIN_TOKEN_FILE: path.join(dataDir, 'admin-token'),
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${token}` };
  // Ready once the first champion serves.
  for (let tries = 0; ; tries++) {
    try {
      const status = await fetch(`${base}/v1/serving/status`, { headers: auth });
      if (status.ok && ((await status.json()) as { champion: unknown }).champion) break;
    } catch {
      // not up yet
    }
    if (tries > 1200) throw new Error('sdp start did not serve a champion within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    auth,
    logStats: async () =>
      (
        (await (await fetch(`${base}/v1/serving/status`, { headers: auth })).json()) as {
          log: { dropped: number; written: number };
        }
      ).log,
    /** Survey answers (201) by the server's own duration bucket (`le` → cumulative count). */
    surveyBuckets: async () => {
      const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
      const buckets = new Map<number, number>();
      for (const match of text.matchAll(
        /^sdp_http_request_duration_seconds_bucket\{(?=[^}]*route="\/v1\/survey\/responses")(?=[^}]*status_code="201")[^}]*le="([^"]+)"[^}]*\} (\d+)$/gm,
      )) {
        buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
      }
      return buckets;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const answers = studentAnswers();
const survey = (base: string, duration: number) =>
  autocannon({
    url: base,
    connections: 4,
    overallRate: surveyRate,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/survey/responses',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request: object) => ({
          ...request,
          body: JSON.stringify({
            submissionId: randomUUID(),
            locale: 'en',
            questionnaireVersion: QUESTIONNAIRE_VERSION,
            consent: true,
            answers,
          }),
        }),
      },
    ],
  });

/**
 * The survey's load from a process of its own: in the flood's process, the flood's client
 * work would delay the survey's requests and show up as the server's latency.
 */
async function surveyElsewhere(base: string, duration: number): Promise<Result> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--survey-at',
      base,
      '--seconds',
      String(duration),
      '--survey-rate',
      String(surveyRate),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(output) as Result;
}

const surveyAt = process.argv.indexOf('--survey-at');
if (surveyAt > 0) {
  const result = await survey(process.argv[surveyAt + 1], seconds);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

let key = 0;
const flood = (base: string, auth: Record<string, string>, duration: number) =>
  autocannon({
    url: base,
    connections: floodConnections,
    ...(floodRate > 0 ? { overallRate: floodRate } : {}),
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/predict',
        headers: { ...auth, 'content-type': 'application/json' },
        setupRequest: (request: { headers: Record<string, string> }) => ({
          ...request,
          headers: { ...request.headers, 'x-request-key': `flood-${key++}` },
          body: JSON.stringify(EXAMPLE_RESPONDENT),
        }),
      },
      ...(withFeedback
        ? [
            {
              method: 'POST',
              path: '/v1/feedback',
              headers: { ...auth, 'content-type': 'application/json' },
              setupRequest: (request: object) => ({
                ...request,
                body: JSON.stringify({ requestKey: `flood-${key - 1}`, label: 1 }),
              }),
            },
          ]
        : []),
    ],
  });

/** `--rounds N`: the two servers in turn, N times (A B A B …): the machine's slow phases hit both. */
const rounds = arg('rounds', 1);
const rows: string[] = [];

/**
 * The server's own view of the survey during the flood, from its duration histogram (the
 * difference of two scrapes): the share answered within 100 ms and the bucket holding p99.
 */
function serverSide(before: Map<number, number>, after: Map<number, number>): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = count(Infinity);
  if (total === 0) return 'no survey answers';
  const p99 = bounds.find((le) => count(le) >= 0.99 * total)!;
  const within = ((count(0.1) / total) * 100).toFixed(1);
  return `${within}% within 100 ms, p99 ≤ ${p99 === Infinity ? '∞' : `${p99 * 1000} ms`}`;
}
const scenarios = [
  ['default limits', ['survey.rateLimit.submissions=1000000']],
  [
    'limits lifted (reference)',
    [
      'survey.rateLimit.submissions=1000000',
      'access.rateLimit.predict.max=1000000000',
      'access.rateLimit.feedback.max=1000000000',
    ],
  ],
] as const;
for (const [name, overrides] of Array.from({ length: rounds }, () => scenarios).flat()) {
  const sdp = await startSdp([...overrides, ...extra]);
  await survey(sdp.base, 3); // warm-up
  const alone = await surveyElsewhere(sdp.base, seconds);
  const before = await sdp.surveyBuckets();
  const [underFlood, floodResult] = await Promise.all([
    surveyElsewhere(sdp.base, seconds),
    flood(sdp.base, sdp.auth, seconds),
  ]);
  const server = serverSide(before, await sdp.surveyBuckets());
  const metrics = await (await fetch(`${sdp.base}/metrics`, { headers: sdp.auth })).text();
  const lag = (name: string) =>
    Number(
      new RegExp(`^sdp_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(metrics)?.[1] ??
        NaN,
    ) * 1000;
  const log = await sdp.logStats();
  await sdp.stop();
  const limited = floodResult.statusCodeStats['429']?.count ?? 0;
  const line =
    `${name}: survey p99 ${alone.latency.p99} ms alone, ${underFlood.latency.p99} ms under the flood ` +
    `(${underFlood.non2xx} non-2xx of ${underFlood.requests.total}; in the server: ${server}); flood ${Math.round(floodResult.requests.average)} req/s, ` +
    `${Math.round(((floodResult.requests.total - floodResult.non2xx) / seconds) * 1) / 1}/s accepted, ${limited} answered 429; ` +
    `prediction log written ${log.written}, dropped ${log.dropped}; event-loop lag p99 ${lag('p99').toFixed(0)} ms, max ${lag('max').toFixed(0)} ms`;
  process.stderr.write(`${line}\n`);
  rows.push(line);
}
console.log(
  [
    `flood: ${seconds} s, survey at ${surveyRate}/s over 4 connections (its own process), flood of predict+feedback over ${floodConnections} connections at ${floodRate || 'full'} req/s, one admin token, sdp start (embedded, compiled)`,
    ...rows,
  ].join('\n'),
);
