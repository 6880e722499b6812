/**
 * Benchmark of the prediction service (issue 6): autocannon, 32 connections, 15 s per run,
 * against the real program (`sdp serve`, embedded PGlite database, prediction log on) with a
 * logistic and a gbdt champion trained on dev.csv (synthetic data when it is absent), in
 * single and shadow mode, plus /v1/predict/batch with 100 records, and a bare Fastify
 * hello-world in the same run as the ceiling. Every server runs in its own process, one at a
 * time; autocannon runs here.
 *
 *   npx tsx bench/serve.ts [--duration 15] [--connections 32] [--rounds 3] [--only 'prefix|prefix']
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { loadConfig } from '../src/app/config.js';
import { devDatasetLocation } from '../src/data/dev-dataset.js';
import { resolveDataset } from '../src/app/dataset-source.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { createLogger } from '../src/platform/log/logger.js';
import { EXAMPLE_RESPONDENT } from '../src/serving/schemas.js';
import { trainModel } from '../src/training/train-model.js';
import { freePort } from './measure.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const MODEL = 'student-depression';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
/** A whole-number flag ≥ 1, or a clear refusal. */
function countFlag(name: string, fallback: string): number {
  const value = Number(flag(name, fallback));
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a whole number ≥ 1, got ${flag(name, fallback)}\n`);
    process.exit(2);
  }
  return value;
}
const DURATION = countFlag('duration', '15');
const CONNECTIONS = countFlag('connections', '32');
const ONLY = flag('only', '').split('|').filter(Boolean);
/** Every scenario runs once per round, in order, so slow phases of a shared machine hit all. */
const ROUNDS = countFlag('rounds', '1');
/** Extra config overrides for every sdp server, e.g. `--extra serving.log.enabled=false`. */
const EXTRA = flag('extra', '').split(' ').filter(Boolean);
const WARMUP_S = 3;
/** `--profile <dir>`: write a V8 CPU profile of each sdp server there (node --cpu-prof). */
const PROFILE_DIR = flag('profile', '');

/**
 * `--postgres <admin url>`: run against PostgreSQL instead of the embedded database (a fresh
 * database is created there and dropped afterwards), as distributed mode would.
 */
const POSTGRES_ADMIN = flag('postgres', '');
const benchDatabase = `sdp_bench_serve_${Date.now()}`;
const databaseUrl = POSTGRES_ADMIN
  ? POSTGRES_ADMIN.replace(/\/[^/]*$/, `/${benchDatabase}`)
  : 'embedded';

const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-serve-'));
const baseOverrides = [
  `dataDir=${dataDir}`,
  `database.url=${databaseUrl}`,
  'queue.url=inline',
  'blobs.url=file',
  // The load comes from one token: measured is the service, not its per-caller limits.
  'access.rateLimit.predict.max=1000000000',
  'access.rateLimit.batch.max=1000000000',
];
/** The token every request of the benchmark sends (made in `prepare`). */
let auth: Record<string, string> = {};

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function withRuntime<T>(
  work: (runtime: Runtime) => Promise<T>,
  extra: string[] = [],
): Promise<T> {
  const { config } = loadConfig({
    env: {},
    overrides: [...baseOverrides, 'log.level=warn', ...extra],
  });
  const runtime = await openRuntime(config, { log: createLogger(config.log) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Trains the two champions-to-be: version 1 logistic, version 2 gbdt. */
async function prepare(): Promise<{ data: string }> {
  const dev = devDatasetLocation();
  return withRuntime(async (runtime) => {
    const { config } = runtime;
    const settings = { settings: config.data, config: {} };
    const dataset = dev.exists
      ? await resolveDataset(runtime, dev.path)
      : (await runtime.datasets.resolve(
          (
            await storeSyntheticDataset(runtime.datasets, {
              rows: 20_000,
              seed: 1,
              ...settings,
            })
          ).datasetId,
        ))!;
    const { token } = await runtime.access.createToken(
      { name: 'bench', role: 'operator' },
      'bench',
    );
    auth = { authorization: `Bearer ${token}` };
    for (const model of ['logistic', 'gbdt']) {
      const { config: modelConfig } = loadConfig({
        env: {},
        overrides: [...baseOverrides, `model=${model}`],
      });
      await trainModel(runtime, { dataset, config: modelConfig, codeVersion: 'bench' });
    }
    return {
      data: dev.exists ? `dev.csv (${dataset.rows} rows)` : `synthetic (${dataset.rows} rows)`,
    };
  });
}

/** Sets the champion and (for shadow) starts a shadow rollout of the other version. */
async function arrange(champion: number, shadowOf: number | null): Promise<void> {
  await withRuntime(async ({ registry, rollouts }) => {
    const open = await rollouts.status(MODEL);
    if (open.rollout && (open.rollout.status === 'active' || open.rollout.status === 'paused'))
      await rollouts.abort(MODEL, 'bench');
    await registry.setAlias(MODEL, 'champion', champion, {
      actor: 'bench',
      reason: 'benchmark setup',
    });
    if (shadowOf !== null) {
      await rollouts.start({
        model: MODEL,
        challengerVersion: shadowOf,
        mode: 'shadow',
        sampleRate: 1,
        intervalMs: 86_400_000,
        actor: 'bench',
      });
    }
  });
}

async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  // Stop collecting once ready: the server's log lines must cost the load generator nothing.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The real program from the TypeScript sources (`sdp serve`), through tsx. */
async function startSdp(port: number, extra: string[]): Promise<ChildProcess> {
  const entry = path.join(dataDir, 'sdp-entry.mjs');
  writeFileSync(
    entry,
    `import { main } from ${JSON.stringify(path.join(REPO, 'src/cli/main.ts'))};\nawait main(process.argv);\n`,
  );
  return startProcess(
    [
      ...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : []),
      '--import',
      'tsx',
      entry,
      'serve',
      ...baseOverrides,
      `server.port=${port}`,
      'server.host=127.0.0.1',
      'log.format=json',
      ...extra,
    ],
    {},
    /sdp is running/,
  );
}

/**
 * The ceilings, same machine, same load: Fastify's hello world (the issue's reference) and a
 * bare Fastify POST route that parses the same JSON body and answers a fixed prediction-sized
 * document — what any POST endpoint costs before validation, scoring or logging.
 */
async function startBareFastify(port: number, kind: 'hello-world' | 'post'): Promise<ChildProcess> {
  const route =
    kind === 'hello-world'
      ? "app.get('/', async () => ({ hello: 'world' }));"
      : `const answer = ${JSON.stringify(JSON.stringify(FIXED_ANSWER))};` +
        "app.post('/', async (request, reply) => reply.type('application/json').send(answer));";
  const code =
    "import Fastify from 'fastify';" +
    'const app = Fastify();' +
    route +
    `await app.listen({ port: ${port}, host: '127.0.0.1' });` +
    "console.log('bare fastify listening');";
  return startProcess(['--input-type=module', '-e', code], {}, /bare fastify listening/);
}

interface Row {
  name: string;
  requestsPerSecond: number;
  /** Server CPU time (user + system) per request: robust to other load on the machine. */
  cpuUsPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Prediction-log entries dropped because the buffer was full (sdp servers only). */
  dropped: number | null;
  /** Entries written to the database once the log had drained. */
  written: number | null;
}

interface LogStats {
  accepted: number;
  written: number;
  dropped: number;
  failed: number;
  pending: number;
}

/** The prediction log's counters once it has written what it holds (at most 30 s later). */
async function drainedLogStats(baseUrl: string): Promise<LogStats> {
  for (let waited = 0; ; waited += 250) {
    const status = (await (
      await fetch(`${baseUrl}/v1/serving/status`, { headers: auth })
    ).json()) as {
      log: LogStats;
    };
    if (status.log.pending === 0 || waited >= 30_000) return status.log;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function load(
  name: string,
  url: string,
  pid: number,
  options: { method?: 'GET' | 'POST'; body?: string; logStatusUrl?: string; rate?: number },
): Promise<Row> {
  const request = {
    url,
    // At a fixed rate autocannon fires every connection at once each tick: fewer connections,
    // smaller bursts, latencies that are the server's rather than the burst's.
    connections: options.rate ? 4 : CONNECTIONS,
    overallRate: options.rate,
    method: options.method ?? 'GET',
    headers: { ...auth, ...(options.body ? { 'content-type': 'application/json' } : {}) },
    body: options.body,
  };
  await autocannon({ ...request, duration: WARMUP_S });
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ ...request, duration: DURATION });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const log = options.logStatusUrl ? await drainedLogStats(options.logStatusUrl) : null;
  const row = {
    name,
    requestsPerSecond: result.requests.average,
    cpuUsPerRequest: (cpu / result.requests.total) * 1e6,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    dropped: log && log.dropped,
    written: log && log.written,
  };
  process.stderr.write(
    `  ${name}: ${Math.round(row.requestsPerSecond)} req/s, p99 ${row.p99} ms, server CPU ${row.cpuUsPerRequest.toFixed(0)} µs/request, non-2xx ${row.non2xx}${log ? `, log written ${log.written} dropped ${log.dropped}` : ''}\n`,
  );
  return row;
}

const single = JSON.stringify(EXAMPLE_RESPONDENT);
const batch = JSON.stringify({
  records: Array.from({ length: 100 }, (_, i) => ({
    ...EXAMPLE_RESPONDENT,
    age: 18 + (i % 20),
    cgpa: 5 + (i % 50) / 10,
  })),
});

/** A prediction-sized answer for the bare POST ceiling. */
const FIXED_ANSWER = {
  requestKey: 'bench',
  probability: 0.5,
  label: 1,
  threshold: 0.5,
  model: MODEL,
  version: 1,
  route: 'champion',
  contributions: Array.from({ length: 5 }, (_, i) => ({ feature: `f${i}`, value: i / 10 })),
};

interface Scenario {
  name: string;
  /** A bare Fastify server instead of sdp. */
  bare?: 'hello-world' | 'post';
  champion?: number;
  shadowOf?: number | null;
  extra?: string[];
  path?: string;
  body?: string;
  /** Requests per second in all (4 connections), instead of as many as the server answers. */
  rate?: number;
}

const scenarios: Scenario[] = [
  { name: 'hello-world (bare Fastify)', bare: 'hello-world' },
  { name: 'bare Fastify POST, same body, fixed answer', bare: 'post', body: single },
  { name: 'logistic, single', champion: 1 },
  { name: 'logistic, shadow (gbdt)', champion: 1, shadowOf: 2 },
  { name: 'gbdt, single', champion: 2 },
  { name: 'gbdt, shadow (logistic)', champion: 2, shadowOf: 1 },
  { name: 'logistic, batch of 100', champion: 1, path: '/v1/predict/batch', body: batch },
  {
    name: 'logistic, batch of 100 at 150/s (4 connections)',
    champion: 1,
    path: '/v1/predict/batch',
    body: batch,
    rate: 150,
  },
  { name: 'logistic, single, log.level=info', champion: 1, extra: ['log.level=info'] },
];

async function runScenario(scenario: Scenario): Promise<Row> {
  const port = await freePort();
  let child: ChildProcess;
  if (scenario.bare) {
    child = await startBareFastify(port, scenario.bare);
  } else {
    await arrange(scenario.champion!, scenario.shadowOf ?? null);
    child = await startSdp(port, [...(scenario.extra ?? ['log.level=warn']), ...EXTRA]);
  }
  try {
    const url = `http://127.0.0.1:${port}${scenario.bare ? '/' : (scenario.path ?? '/v1/predict')}`;
    return await load(
      scenario.name,
      url,
      child.pid!,
      scenario.bare
        ? { method: scenario.body ? 'POST' : 'GET', body: scenario.body }
        : {
            method: 'POST',
            body: scenario.body ?? single,
            logStatusUrl: `http://127.0.0.1:${port}`,
            rate: scenario.rate,
          },
    );
  } finally {
    await stop(child);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One line per scenario over all rounds: medians, the req/s range, and the share of the
 * hello-world of the same round (the ratio is taken per round, then its median).
 */
function summarise(rounds: Row[][]): string[] {
  const names = rounds[0].map((row) => row.name);
  return names.map((name) => {
    const rows = rounds.map((round) => round.find((row) => row.name === name)!);
    const rates = rows.map((row) => row.requestsPerSecond);
    const ratios = rounds.flatMap((round, i) => {
      const ceiling = round.find((row) => row.name.startsWith('hello-world'));
      return ceiling ? [rows[i].requestsPerSecond / ceiling.requestsPerSecond] : [];
    });
    const dropped = rows.reduce((sum, row) => sum + (row.dropped ?? 0), 0);
    const written = rows.reduce((sum, row) => sum + (row.written ?? 0), 0);
    const cells = [
      name,
      Math.round(median(rates)).toLocaleString('en'),
      rounds.length > 1
        ? `${Math.round(Math.min(...rates)).toLocaleString('en')}–${Math.round(Math.max(...rates)).toLocaleString('en')}`
        : '',
      ratios.length ? `${(median(ratios) * 100).toFixed(0)}%` : '',
      median(rows.map((row) => row.p50)),
      median(rows.map((row) => row.p99)),
      median(rows.map((row) => row.cpuUsPerRequest)).toFixed(0),
      rows.reduce((sum, row) => sum + row.errors + row.non2xx, 0),
      rows[0].dropped === null
        ? ''
        : `${((dropped / Math.max(1, dropped + written)) * 100).toFixed(1)}%`,
    ];
    return `| ${cells.join(' | ')} |`;
  });
}

async function main(): Promise<void> {
  if (POSTGRES_ADMIN) await adminQuery(`create database ${benchDatabase}`);
  process.stderr.write(
    `preparing models in ${dataDir} (database ${POSTGRES_ADMIN ? benchDatabase : 'embedded'})\n`,
  );
  const { data } = await prepare();
  const chosen = scenarios.filter(
    (scenario) => ONLY.length === 0 || ONLY.some((only) => scenario.name.startsWith(only)),
  );
  const rounds: Row[][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`round ${round} of ${ROUNDS}\n`);
    const rows: Row[] = [];
    for (const scenario of chosen) rows.push(await runScenario(scenario));
    rounds.push(rows);
  }
  const lines = [
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}; autocannon ${CONNECTIONS} connections, ${DURATION} s (+${WARMUP_S} s warm-up), ${ROUNDS} round(s), medians;`,
    `sdp serve, ${POSTGRES_ADMIN ? 'PostgreSQL' : 'embedded database (PGlite)'}, prediction log on; models trained on ${data}.`,
    '',
    '| run | req/s | range | vs hello-world | p50 ms | p99 ms | server CPU µs/req | errors + non-2xx | log dropped |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...summarise(rounds),
    '',
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (POSTGRES_ADMIN) await adminQuery(`drop database if exists ${benchDatabase}`);
  });
