/**
 * Ingest benchmark: `sdp ingest` of dev.csv and of a 1,000,000-row synthetic file into
 * PostgreSQL and into the embedded database, each in a fresh process, with wall time, rows/s
 * and peak RSS. Reference in the same run: psql's \copy of the same files into a plain text
 * table (no parsing into records, no validation): the floor for getting bytes into PostgreSQL.
 *
 *   npm run build && npx tsx bench/ingest.ts [--rows 1000000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, fmt, freshDatabase, measure } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdp = path.join(root, 'bin', 'sdp.js');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rowsArg = process.argv.indexOf('--rows');
const bigRows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
const dev = process.env.SDP_DATASET ?? path.join(root, '../shared/data/student-depression/dev.csv');
const work = mkdtempSync(path.join(tmpdir(), 'sdp-bench-ingest-'));

const big = path.join(work, `synthetic-${bigRows}.csv`);
const synth = await measure(process.execPath, [
  sdp,
  'synth',
  '--rows',
  String(bigRows),
  '--seed',
  '7',
  '--out',
  big,
]);
console.log(
  `generated ${bigRows} synthetic rows (${(statSync(big).size / 2 ** 20).toFixed(0)} MiB) in ${fmt(synth.ms)}`,
);

const files = [
  { label: 'dev.csv', file: dev, rows: 22_320 },
  { label: `synthetic ${bigRows.toLocaleString('en')}`, file: big, rows: bigRows },
];

const lines: string[] = [];
for (const { label, file, rows } of files) {
  // Reference: raw COPY of the bytes, one text column per line.
  const url = await freshDatabase(adminUrl, 'sdp_bench_copy');
  const copy = await measure('psql', [
    url,
    '-q',
    '-c',
    'create table raw (line text)',
    '-c',
    `\\copy raw from '${file}' with (format text)`,
  ]);
  lines.push(
    `| ${label} | psql \\copy (reference, no parsing) | ${fmt(copy.ms)} | ${Math.round(rows / (copy.ms / 1000)).toLocaleString('en')} | ${copy.peakRssMiB.toFixed(0)} (psql) |`,
  );

  for (const backend of ['postgres', 'embedded'] as const) {
    const env: NodeJS.ProcessEnv =
      backend === 'postgres'
        ? { DATABASE_URL: await freshDatabase(adminUrl, 'sdp_bench_ingest'), LOG_LEVEL: 'warn' }
        : { SDP_DATA_DIR: mkdtempSync(path.join(work, 'embedded-')), LOG_LEVEL: 'warn' };
    if (backend === 'postgres') delete process.env.SDP_DATA_DIR;
    // Migrations first, so the measurement is the ingest itself plus process start.
    execFileSync(process.execPath, [sdp, 'migrate'], { env: { ...process.env, ...env } });
    const run = await measure(process.execPath, [sdp, 'ingest', file, '--json'], env);
    if (run.code !== 0) throw new Error(`ingest failed on ${backend}: ${run.stderr}`);
    const result = JSON.parse(run.stdout);
    if (result.rows !== rows) throw new Error(`expected ${rows} rows, stored ${result.rows}`);
    lines.push(
      `| ${label} | sdp ingest → ${backend === 'postgres' ? 'PostgreSQL' : 'embedded (PGlite)'} | ${fmt(run.ms)} | ${Math.round(rows / (run.ms / 1000)).toLocaleString('en')} | ${run.peakRssMiB.toFixed(0)} |`,
    );
  }
}

console.log('\n| file | what | wall | rows/s | peak RSS MiB |\n|---|---|---|---|---|');
console.log(lines.join('\n'));
rmSync(work, { recursive: true, force: true });
for (const name of ['sdp_bench_copy', 'sdp_bench_ingest']) await dropDatabase(adminUrl, name);
