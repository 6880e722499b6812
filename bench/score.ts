/**
 * Single-record scoring micro-benchmark: ns per `score(record)` of the serving scorer, new
 * against old (the frozen copy of the pre-refactor compiled scorer in bench/reference/), for a
 * logistic and a gbdt pipeline with the shipped hyperparameters. Trained on $SDP_DATASET when
 * set (the first 80% of rows; the rest are scored), else on synthetic rows.
 *
 * The machine is shared and noisy, so only the ratio within one run means anything: many
 * short rounds alternate old/new (the order flips every round), and the table reports the
 * medians and the median of the per-round ratios. Both scorers are first checked to agree
 * exactly.
 *
 *   npm run bench:score [-- --rounds 41 --ms 50]
 */
import { loadavg } from 'node:os';
import type { LabelledRespondent, Respondent } from '../src/data/record.js';
import { loadKaggleCsvFile } from '../src/data/kaggle-csv.js';
import { generateSynthetic } from '../src/data/synth.js';
import { buildPipeline, type ModelSpec } from '../src/ml/model-factory.js';
import { compileScorer } from '../src/serving/compiled-scorer.js';
import { compileScorer as compileScorerBefore } from './reference/compiled-scorer-before.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a whole number ≥ 1\n`);
    process.exit(2);
  }
  return value;
}
const ROUNDS = flag('rounds', 41);
/** Roughly how long one measurement (one scorer, one round) runs. */
const TARGET_MS = flag('ms', 50);

/** The shipped hyperparameters (config/model/*.yaml). */
const MODELS: { name: string; spec: ModelSpec }[] = [
  { name: 'logistic', spec: { model: 'logistic', params: { C: 1, maxIter: 100 } } },
  {
    name: 'gbdt',
    spec: {
      model: 'gbdt',
      params: {
        learningRate: 0.05,
        maxIter: 300,
        maxLeafNodes: 15,
        minSamplesLeaf: 40,
        l2Regularization: 0,
        earlyStopping: 'auto',
      },
    },
  },
];

interface Scorer {
  score(record: Respondent): { probability: number; contributions: Float64Array };
}

async function loadData(): Promise<{
  source: string;
  train: LabelledRespondent[];
  score: Respondent[];
}> {
  const file = process.env.SDP_DATASET;
  let train: LabelledRespondent[];
  let held: LabelledRespondent[];
  let source: string;
  if (file) {
    const { records } = await loadKaggleCsvFile(file);
    const cut = Math.floor(records.length * 0.8);
    train = records.slice(0, cut);
    held = records.slice(cut);
    source = `${file} (${train.length} rows trained, ${held.length} scored)`;
  } else {
    train = [...generateSynthetic({ rows: 20_000, seed: 1 })];
    held = [...generateSynthetic({ rows: 4_000, seed: 2 })];
    source = `synthetic (${train.length} rows trained, ${held.length} scored)`;
  }
  const score: Respondent[] = held.map(({ depression: _label, ...record }) => record);
  // The awkward cases the serving layer meets: unseen categories and missing values.
  for (let i = 0; i < score.length; i += 50) {
    score[i] = { ...score[i], city: 'Atlantis', degree: 'Nothing', profession: 'Pirate' };
    score[i + 1] = { ...score[i + 1], financial_stress: null, sleep_duration: 'Others' };
  }
  return { source, train, score: score.filter(Boolean) };
}

/** Scores every record `passes` times; returns ns per record and a checksum the JIT can't drop. */
function run(scorer: Scorer, records: readonly Respondent[], passes: number): [number, number] {
  let checksum = 0;
  const started = process.hrtime.bigint();
  for (let pass = 0; pass < passes; pass++)
    for (let i = 0; i < records.length; i++) {
      const result = scorer.score(records[i]);
      checksum += result.probability + result.contributions[0];
    }
  const ns = Number(process.hrtime.bigint() - started);
  return [ns / (passes * records.length), checksum];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function assertSameScores(
  a: Scorer,
  b: Scorer,
  records: readonly Respondent[],
  name: string,
): void {
  for (const [i, record] of records.entries()) {
    const x = a.score(record);
    const probability = x.probability;
    const contributions = Float64Array.from(x.contributions);
    const y = b.score(record);
    if (probability !== y.probability || contributions.some((v, j) => v !== y.contributions[j]))
      throw new Error(`${name}: old and new scorers disagree on record ${i}`);
  }
}

const started = new Date();
const loadBefore = loadavg();
const data = await loadData();
console.log(
  `# bench/score.ts — ${started.toISOString()}, Node.js ${process.version}, load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}`,
);
console.log(`# data: ${data.source}; ${ROUNDS} rounds, ~${TARGET_MS} ms per measurement\n`);
console.log(
  '| model | old ns/record (median) | new ns/record (median) | new/old (medians) | new/old (median of rounds) | rounds |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
let sink = 0;
for (const { name, spec } of MODELS) {
  const pipeline = buildPipeline({ ...spec, exclude: ['gender'] }).fit(
    data.train,
    data.train.map((row) => row.depression),
  );
  const before = compileScorerBefore(pipeline.toJSON());
  const after = compileScorer(pipeline);
  if (!before) throw new Error(`${name}: the old scorer did not compile`);
  assertSameScores(before, after, data.score, name);
  // Warm-up, and the number of passes that makes one measurement last about TARGET_MS.
  let passes = 1;
  for (let k = 0; k < 5; k++) {
    sink += run(before, data.score, passes)[1] + run(after, data.score, passes)[1];
  }
  const [probeNs] = run(after, data.score, passes);
  passes = Math.max(1, Math.round((TARGET_MS * 1e6) / (probeNs * data.score.length)));
  const old: number[] = [];
  const neu: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let oldNs: number;
    let newNs: number;
    let checksum: number;
    if (round % 2 === 0) {
      [oldNs, checksum] = run(before, data.score, passes);
      sink += checksum;
      [newNs, checksum] = run(after, data.score, passes);
    } else {
      [newNs, checksum] = run(after, data.score, passes);
      sink += checksum;
      [oldNs, checksum] = run(before, data.score, passes);
    }
    sink += checksum;
    old.push(oldNs);
    neu.push(newNs);
    ratios.push(newNs / oldNs);
  }
  console.log(
    `| ${name} | ${median(old).toFixed(0)} | ${median(neu).toFixed(0)} | ${(median(neu) / median(old)).toFixed(3)} | ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}) | ${ROUNDS} |`,
  );
}
console.log(
  `\n# load average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')} (checksum ${sink.toFixed(3)})`,
);
