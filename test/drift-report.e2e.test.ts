import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { generateSynthetic } from '../src/data/synth.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import { driftReportHtml } from '../src/monitoring/drift-html.js';
import { createLogger } from '../src/platform/log/logger.js';
import { trainModel } from '../src/training/train-model.js';
import { launchBrowser } from './harness/browser.js';

describe('the HTML drift report', () => {
  let runtime: Runtime;
  const dir = mkdtempSync(path.join(tmpdir(), 'sdp-drift-html-'));

  beforeAll(async () => {
    const { config } = loadConfig({
      env: {},
      overrides: ['database.url=embedded', `dataDir=${dir}`, 'log.level=silent', 'train.folds=2'],
    });
    runtime = await openRuntime(config, { log: createLogger(config.log) });
    const base = await storeSyntheticDataset(runtime.datasets, {
      rows: 2000,
      seed: 9,
      settings: config.data,
      config: {},
    });
    await trainModel(runtime, {
      dataset: (await runtime.datasets.resolve(base.datasetId))!,
      config,
      codeVersion: 'test',
    });
    await runtime.predictions.start({ analyzeRollouts: false });
    let i = 0;
    for (const { depression: _, ...record } of generateSynthetic({ rows: 300, seed: 10 }))
      runtime.predictions.predict({ ...record, age: record.age + 10 }, `html-${i++}`);
    await runtime.predictions.flushLog();
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens in headless Chromium with the network cut off, and shows a plot per feature', async () => {
    const stored = await runtime.drift.report({ window: '1h' });
    const file = path.join(dir, 'drift.html');
    writeFileSync(file, driftReportHtml(stored));
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({
        offline: true,
        viewport: { width: 1000, height: 900 },
      });
      const requests: string[] = [];
      context.on('request', (request) => void requests.push(request.url()));
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      const features = (stored.report as { features: unknown[] }).features.length;
      expect(await page.locator('section svg').count()).toBe(features + 1); // + the score
      // Every plot drew bars: some have height.
      const drawn = await page.$$eval(
        'section svg',
        (svgs) =>
          svgs.filter((svg) =>
            [...svg.querySelectorAll('rect')].some((r) => Number(r.getAttribute('height')) > 0),
          ).length,
      );
      expect(drawn).toBe(features + 1);
      await expect(page.locator('h3', { hasText: 'age — drifted' }).count()).resolves.toBe(1);
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
      await page.screenshot({ path: path.join(tmpdir(), 'sdp-drift-report.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
