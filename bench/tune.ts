/**
 * Tuning benchmark. (1) End to end: wall time, CPU time and best CV ROC-AUC of one
 * `sdp tune --data dev model=gbdt tune.trials=50 tune.parallelism=2` (3-fold CV, TPE, median
 * pruner, refit + candidate registration included) on dev.csv in a fresh embedded data dir;
 * dev.csv is ingested and a champion trained first, outside the measurement.
 * (2) TPE vs random search on a synthetic objective with a known optimum (0), 20 seeds each
 * at the same budget: median best value.
 *
 *   npm run build && npx tsx bench/tune.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomSampler } from '../src/tuning/random-sampler.js';
import type { Sampler } from '../src/tuning/sampler.js';
import type { SearchSpace, TrialParams } from '../src/tuning/search-space.js';
import { TpeSampler } from '../src/tuning/tpe-sampler.js';
import { sequentialStudy } from '../src/tuning/testing/sequential-study.js';
import { fmt, measure } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdp = path.join(root, 'bin', 'sdp.js');
const dev = process.env.SDP_DATASET ?? path.join(root, '../shared/data/student-depression/dev.csv');
const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-tune-'));
const env = { SDP_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' };
const run = (args: string[]) =>
  execFileSync(process.execPath, [sdp, ...args], { env: { ...process.env, ...env } });

run(['ingest', dev, '--name', 'dev']);
run(['train', '--data', 'dev', 'model=gbdt']); // a champion, so the tuned best registers as a candidate
const args = [
  'tune',
  '--data',
  'dev',
  'model=gbdt',
  'tune.trials=50',
  'tune.parallelism=2',
  'tune.folds=3',
  '--json',
];
const tuned = await measure(process.execPath, [sdp, ...args], env);
if (tuned.code !== 0) throw new Error(tuned.stderr);
const summary = JSON.parse(tuned.stdout);
console.log(`\`sdp ${args.join(' ')}\` (${process.env.SDP_DATASET ? 'SDP_DATASET' : 'dev.csv'})\n`);
console.log(
  '| wall | peak RSS MiB | best CV ROC-AUC | complete | pruned | failed | registered version |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| ${fmt(tuned.ms)} | ${tuned.peakRssMiB.toFixed(0)} | ${summary.bestValue.toFixed(4)} | ${summary.trials.complete} | ${summary.trials.pruned} | ${summary.trials.failed} | ${summary.version ?? 'none'} |`,
);
rmSync(dataDir, { recursive: true, force: true });

// (2) Synthetic objective: maximum 0 at x = 1.5, lr = 0.01, kind = b; 8 dimensions in all.
const space: SearchSpace = {
  x: { type: 'float', low: -5, high: 5, log: false },
  y: { type: 'float', low: -5, high: 5, log: false },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  leaves: { type: 'int', low: 2, high: 256, step: 1, log: true },
  kind: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
};
const objective = (p: TrialParams) =>
  -(((p.x as number) - 1.5) ** 2) -
  ((p.y as number) + 2) ** 2 / 4 -
  (Math.log10(p.lr as number) + 2) ** 2 -
  (Math.log2(p.leaves as number) - 5) ** 2 / 4 -
  (p.kind === 'b' ? 0 : 1);
const bestOf = (sampler: Sampler, seed: number, trials: number) =>
  Math.max(...sequentialStudy(sampler, space, objective, seed, trials).map((t) => t.value!));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[9] + sorted[10]) / 2;
};
console.log('\nSynthetic objective (optimum 0), median best over 20 seeds\n');
console.log('| trials | TPE | random |\n|---|---|---|');
for (const trials of [30, 50, 100]) {
  const seeds = Array.from({ length: 20 }, (_, i) => i);
  const tpe = median(seeds.map((seed) => bestOf(new TpeSampler(), seed, trials)));
  const random = median(seeds.map((seed) => bestOf(new RandomSampler(), seed, trials)));
  console.log(`| ${trials} | ${tpe.toFixed(4)} | ${random.toFixed(4)} |`);
}
