/**
 * Retraining benchmark, end to end: one `retrain` run, embedded (PGlite, inline queue), with
 * dev.csv as the base data and 2,000 survey responses of one week — from the export of the
 * week's answers to the gate's decision and the canary's start — with the time of each task.
 * The base is ingested, its champion trained and the responses submitted through the survey
 * API beforehand, outside the measurement. Default configuration (5-fold CV; logistic and gbdt
 * candidates trained in parallel tasks, queue.concurrency 2).
 *
 *   SDP_DATASET=…/dev.csv npx tsx bench/retrain.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/app/config.js';
import { createApp } from '../src/app/http-app.js';
import { startWorker } from '../src/app/jobs.js';
import { openRuntime } from '../src/app/runtime.js';
import { ingestCsvFile } from '../src/data/ingest.js';
import { createLogger } from '../src/platform/log/logger.js';
import { semesterWeek } from '../src/survey/testing/simulated-respondents.js';
import { trainModel } from '../src/training/train-model.js';
import { fmt } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.env.SDP_DATASET ?? path.join(root, '../shared/data/student-depression/dev.csv');
const responses = Number(process.env.RESPONSES ?? 2000);
const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-bench-retrain-'));
let now = new Date('2027-01-06T10:00:00Z'); // a Wednesday
const { config } = loadConfig({
  env: {},
  overrides: [
    'database.url=embedded',
    `dataDir=${dataDir}`,
    'log.level=warn',
    'survey.rateLimit.submissions=1000000',
    'pipelines.scheduler.enabled=false',
  ],
});
const runtime = await openRuntime(config, {
  log: createLogger(config.log),
  queue: true,
  clock: () => now,
});
try {
  await startWorker(runtime);
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
  const app = await createApp(runtime, 'bench');
  await runtime.scheduler.tick(); // first sight of the schedule
  for (const body of semesterWeek({ responses, seed: 1 }).bodies) {
    const reply = await app.inject({ method: 'POST', url: '/v1/survey/responses', payload: body });
    if (reply.statusCode !== 201) throw new Error(reply.body);
  }
  now = new Date('2027-01-11T04:00:00Z'); // Monday: the week is over
  const started = performance.now();
  const { fired } = await runtime.scheduler.tick();
  const [run] = await runtime.pipelines.runs({ pipeline: 'retrain', limit: 1 });
  if (fired.length !== 1) throw new Error(`expected one run, fired ${fired.join(', ')}`);
  let details = await runtime.pipelines.show(run.id);
  while (!['succeeded', 'failed', 'skipped'].includes(details.run.state)) {
    await sleep(50);
    details = await runtime.pipelines.show(run.id);
  }
  const wall = performance.now() - started;
  console.log(
    `base ${base.rows} rows (${base.datasetId}), ${responses} survey responses; run ${run.id} ${details.run.state}: ${details.run.summary}\n`,
  );
  console.log('| task | tries | duration |\n|---|---|---|');
  for (const task of details.tasks)
    console.log(
      `| ${task.task_id} | ${task.attempts} | ${task.duration_ms === null ? '-' : fmt(task.duration_ms)} |`,
    );
  console.log(`| **run, end to end** | | **${fmt(wall)}** |`);
  await app.close();
} finally {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
