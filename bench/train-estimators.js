// Benchmark of the src/ml estimators on dev.csv: wall time and peak RSS of a pipeline fit
// and of 5-fold stratified cross-validation, for the logistic and gbdt model specs.
//
//   npm run build && node bench/train-estimators.js [--json] [--repeat N] [--parallelism N]
//
// Plain ESM importing the compiled dist/ (Node 20 runs no TypeScript). Each scenario runs in
// its own child process so its peak RSS (process.resourceUsage().maxRSS) is its own. Times
// are wall-clock from records in memory (CSV loading excluded) to fitted model / CV result;
// the first run is cold (includes JIT warm-up and, for CV, worker start-up).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCENARIOS = ['logistic-fit', 'logistic-cv', 'gbdt-fit', 'gbdt-cv'];

/** The model as shipped: config/model/<name>.yaml, with its CV parallelism. */
async function shippedModel(name) {
  const { loadConfig } = await import('../dist/app/config.js');
  const { modelSpec } = await import('../dist/training/train-model.js');
  const { config } = loadConfig({ overrides: [`model=${name}`] });
  return { spec: modelSpec(config), parallelism: config.model.parallelism };
}

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};

async function runScenario(scenario, repeat, parallelism) {
  const { devDatasetLocation } = await import('../dist/data/dev-dataset.js');
  const { loadKaggleCsvFile } = await import('../dist/data/kaggle-csv.js');
  const { buildPipeline } = await import('../dist/ml/model-factory.js');
  const { crossValidate } = await import('../dist/ml/cross-validate.js');
  const dataset = devDatasetLocation();
  if (!dataset.exists) throw new Error(`${dataset.path} not found: set SDP_DATASET`);
  const { records } = await loadKaggleCsvFile(dataset.path);
  const labels = Uint8Array.from(records, (r) => r.depression);
  const [model, kind] = scenario.split('-');
  const shipped = await shippedModel(model);
  const spec = shipped.spec;
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const seconds = [];
  const cpuSeconds = [];
  let cv = null;
  let nIter = null;
  for (let run = 0; run < repeat; run++) {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    if (kind === 'fit') {
      const pipeline = buildPipeline(spec).fit(records, labels);
      nIter = pipeline.step('model').nIter ?? pipeline.step('model').convergence?.nIter ?? null;
    } else {
      cv = await crossValidate(records, spec, {
        folds: 5,
        seed: 0,
        parallelism: parallelism ?? shipped.parallelism,
      });
    }
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    const cpu = process.cpuUsage(cpuBefore);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    scenario,
    rows: records.length,
    coldSeconds: seconds[0],
    medianSeconds: sorted[Math.floor(sorted.length / 2)],
    runs: repeat,
    // CPU time of all threads (workers included): a check on wall times taken on a busy machine.
    coldCpuSeconds: cpuSeconds[0],
    rssBeforeMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    nIter,
    cvRocAuc: cv?.mean.rocAuc ?? null,
    cvRocAucStd: cv?.std.rocAuc ?? null,
    cvBrier: cv?.mean.brier ?? null,
    cvAccuracy: cv?.mean.accuracy ?? null,
    cvF1: cv?.mean.f1 ?? null,
    cvFoldIters: cv?.folds.map((f) => f.nIter).filter((n) => n !== null) ?? null,
  };
}

function runChild(scenario, repeat) {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(import.meta.url),
      [
        '--scenario',
        scenario,
        '--repeat',
        String(repeat),
        ...(parallelism ? ['--parallelism', String(parallelism)] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
    );
    child.on('message', resolve);
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`${scenario} exited with ${code}`)));
  });
}

const format = (value, digits) =>
  value === null || value === undefined ? '' : value.toFixed(digits);

const scenario = option('--scenario', null);
const repeat = Number(option('--repeat', '1'));
// CV worker threads; default: the model config's `parallelism`. 1 runs the folds in-thread.
const parallelism = option('--parallelism', undefined) && Number(option('--parallelism'));
if (scenario) {
  process.send(await runScenario(scenario, repeat, parallelism));
  process.disconnect();
} else {
  const results = [];
  for (const name of SCENARIOS) results.push(await runChild(name, repeat));
  if (flag('--json')) {
    console.log(JSON.stringify({ node: process.version, results }, null, 2));
  } else {
    console.log(`node ${process.version}, ${results[0].rows} rows, ${repeat} run(s) per scenario`);
    console.log(
      'scenario       cold s  cold cpu s  median s  peak RSS MB  CV ROC-AUC (sd)   CV Brier  iters',
    );
    for (const r of results) {
      console.log(
        `${r.scenario.padEnd(14)} ${format(r.coldSeconds, 3).padStart(6)}  ${format(r.coldCpuSeconds, 3).padStart(10)}  ${format(r.medianSeconds, 3).padStart(8)}  ${format(r.peakRssMb, 0).padStart(11)}  ` +
          `${r.cvRocAuc === null ? ''.padEnd(16) : `${format(r.cvRocAuc, 4)} (${format(r.cvRocAucStd, 4)})`}  ${format(r.cvBrier, 4).padStart(8)}  ${r.nIter ?? (r.cvFoldIters ?? []).join('/')}`,
      );
    }
  }
}
