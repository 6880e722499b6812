/**
 * Drift report benchmark: one `sdp drift report` (a fresh process: load the champion and its
 * 22,320-row training dataset, score it, read 100,000 logged predictions, test 16 features,
 * store the report) — wall time and peak RSS. The data dir is prepared beforehand, outside the
 * measurement: dev.csv ingested, a logistic champion trained on it, 100,000 predictions of
 * synthetic respondents served and logged.
 *
 *   SDP_DATASET=…/dev.csv npm run build && npx tsx bench/drift.ts [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/app/config.js';
import { openRuntime } from '../src/app/runtime.js';
import { ingestCsvFile } from '../src/data/ingest.js';
import { generateSynthetic } from '../src/data/synth.js';
import { createLogger } from '../src/platform/log/logger.js';
import { trainModel } from '../src/training/train-model.js';
import { fmt, measure } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.env.SDP_DATASET ?? path.join(root, '../shared/data/student-depression/dev.csv');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3);
const PREDICTIONS = 100_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-drift-'));
const { config } = loadConfig({
  env: {},
  overrides: ['database.url=embedded', `dataDir=${dataDir}`, 'log.level=warn'],
});
const runtime = await openRuntime(config, { log: createLogger(config.log) });
try {
  const base = await ingestCsvFile(runtime.datasets, dev, {
    name: 'dev',
    settings: config.data,
    config: {},
  });
  await trainModel(runtime, {
    dataset: (await runtime.datasets.resolve(base.datasetId))!,
    config,
    codeVersion: 'bench',
  });
  await runtime.predictions.start({ analyzeRollouts: false });
  let i = 0;
  for (const { depression: _, ...record } of generateSynthetic({ rows: PREDICTIONS, seed: 3 })) {
    runtime.predictions.predict(record, `bench-${i++}`);
    if (i % 2000 === 0) await runtime.predictions.flushLog(); // within the log's buffer
  }
  await runtime.predictions.flushLog();
} finally {
  await runtime.close();
}
const sdp = path.join(root, 'bin', 'sdp.js');
const env = { SDP_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' };
// The floor on the same data dir: a process that only opens the embedded database and lists.
const floor = await measure(process.execPath, [sdp, 'datasets', 'list', '--json'], env);
console.log(
  `floor (sdp datasets list): ${fmt(floor.ms)}, peak RSS ${floor.peakRssMiB.toFixed(0)} MiB\n`,
);
console.log(
  `| round | sdp drift report wall | peak RSS MiB | rows | drifted |\n|---|---|---|---|---|`,
);
for (let round = 1; round <= rounds; round++) {
  const run = await measure(
    process.execPath,
    [sdp, 'drift', 'report', '--window', '1d', '--json'],
    env,
  );
  if (run.code !== 0) throw new Error(run.stderr);
  const report = JSON.parse(run.stdout);
  console.log(
    `| ${round} | ${fmt(run.ms)} | ${run.peakRssMiB.toFixed(0)} | ${report.current_rows} | ${report.drifted_features.join(', ') || '-'} |`,
  );
}
// KEEP=1 keeps the prepared data dir (printed) for profiling the report in place.
if (!process.env.KEEP) rmSync(dataDir, { recursive: true, force: true });
else console.log(`kept ${dataDir}`);
