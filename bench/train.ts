/**
 * Training benchmark, end to end: wall time and peak RSS of one full `sdp train` (load the
 * dataset from the database, 5-fold CV, fit, evaluate, store the artifact, track, register)
 * for both shipped models on dev.csv, each in a fresh process. dev.csv is ingested first,
 * outside the measurement. The estimator-level numbers (fit and CV alone, against
 * scikit-learn's reference) come from bench/train-estimators.js.
 *
 *   npm run build && npx tsx bench/train.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, measure } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdp = path.join(root, 'bin', 'sdp.js');
const dev = process.env.SDP_DATASET ?? path.join(root, '../shared/data/student-depression/dev.csv');
const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-train-'));
const env = { SDP_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' };

execFileSync(process.execPath, [sdp, 'ingest', dev, '--name', 'dev'], {
  env: { ...process.env, ...env },
});
console.log(
  '| model | sdp train wall | peak RSS MiB | CV ROC-AUC | test ROC-AUC | Brier |\n|---|---|---|---|---|---|',
);
for (const model of ['logistic', 'gbdt']) {
  const run = await measure(
    process.execPath,
    [sdp, 'train', '--data', 'dev', `model=${model}`, '--json'],
    env,
  );
  if (run.code !== 0) throw new Error(run.stderr);
  const { metrics } = JSON.parse(run.stdout);
  console.log(
    `| ${model} | ${fmt(run.ms)} | ${run.peakRssMiB.toFixed(0)} | ${metrics.cv_roc_auc_mean.toFixed(4)} ± ${metrics.cv_roc_auc_std.toFixed(4)} | ${metrics.roc_auc.toFixed(4)} | ${metrics.brier.toFixed(4)} |`,
  );
}
rmSync(dataDir, { recursive: true, force: true });
