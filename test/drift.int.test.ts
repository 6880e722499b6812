import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import type { Respondent } from '../src/data/record.js';
import { generateSynthetic } from '../src/data/synth.js';
import { storeSyntheticDataset } from '../src/data/synthetic-dataset.js';
import type { DriftReport } from '../src/monitoring/drift-report.js';
import { driftReportHtml } from '../src/monitoring/drift-html.js';
import { createLogger } from '../src/platform/log/logger.js';
import { evaluate } from '../src/training/evaluate.js';
import { loadRegisteredModel } from '../src/training/model-loader.js';
import { trainModel } from '../src/training/train-model.js';
import { createTestDatabase } from './harness/context.js';

/**
 * The drift report over the real prediction log: the champion's training data as the
 * reference, predictions served as the current window.
 */
describe.each(['embedded', 'postgres'] as const)(
  'drift reports over the prediction log (%s)',
  (backend) => {
    let runtime: Runtime;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-drift-'));

    beforeAll(async () => {
      const { config } = loadConfig({
        env: {},
        overrides: [
          `database.url=${backend === 'embedded' ? 'embedded' : await createTestDatabase()}`,
          `dataDir=${dataDir}`,
          'log.level=silent',
          'train.folds=2',
        ],
      });
      runtime = await openRuntime(config, { log: createLogger(config.log) });
      const base = await storeSyntheticDataset(runtime.datasets, {
        rows: 3000,
        seed: 5,
        settings: config.data,
        config: {},
      });
      await trainModel(runtime, {
        dataset: (await runtime.datasets.resolve(base.datasetId))!,
        config,
        codeVersion: 'test',
      });
      await runtime.predictions.start({ analyzeRollouts: false });
    }, 120_000);
    afterAll(async () => {
      await runtime?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const serve = async (records: Respondent[], prefix: string) => {
      records.forEach((record, i) => runtime.predictions.predict(record, `${prefix}-${i}`));
      await runtime.predictions.flushLog();
    };
    const respondents = (rows: number, seed: number): Respondent[] =>
      [...generateSynthetic({ rows, seed })].map(({ depression: _, ...r }) => r);

    it('names nothing for look-alike traffic, then the shifted features once the inputs move; stores and lists each report', async () => {
      await serve(respondents(400, 77), 'calm');
      const calm = await runtime.drift.report({ window: '1h' });
      expect(calm.current_rows).toBe(400);
      expect(calm.drifted_features).toEqual([]);

      const shifted = respondents(400, 78).map((r, i) => ({
        ...r,
        academic_pressure: Math.min(5, r.academic_pressure + 1),
        city: i % 8 === 0 ? 'Atlantis' : r.city,
      }));
      await serve(shifted, 'moved');
      const moved = await runtime.drift.report({ window: '1h' });
      expect(moved.current_rows).toBe(800);
      expect(moved.drifted_features).toEqual(expect.arrayContaining(['academic_pressure', 'city']));
      const report = moved.report as DriftReport;
      expect(report.score?.psi).toBeGreaterThanOrEqual(0);
      expect(report.features.find((f) => f.feature === 'city')?.plot.labels).toContain('Atlantis');

      expect((await runtime.drift.list()).map((r) => r.id)).toEqual([moved.id, calm.id]);
      expect((await runtime.drift.get(moved.id)).report).toEqual(moved.report);
      await expect(runtime.drift.get('dr_nope')).rejects.toThrow('No drift report "dr_nope"');
      await expect(
        runtime.drift.report({ window: '1h', now: new Date('2020-01-01') }),
      ).rejects.toThrow(/No predictions of "student-depression" from 2019-12-31T23:00:00.000Z/);

      // The HTML report: one self-contained file, a plot per feature and one for the score.
      const html = driftReportHtml(moved);
      expect(html.match(/<svg /g)).toHaveLength(report.features.length + 1);
      expect(html).not.toMatch(/<script|https?:\/\//);
      expect(html).toMatch(/academic_pressure — <strong>drifted<\/strong>/);
    });

    it('evaluates served predictions against the labels that arrived, as sdp evaluate scores the same rows (to 1e-9)', async () => {
      const labelled = [...generateSynthetic({ rows: 300, seed: 91 })];
      labelled.forEach(({ depression: _, ...record }, i) =>
        runtime.predictions.predict(record, `truth-${i}`),
      );
      await runtime.predictions.flushLog();
      // Ground truth arrives for 250 of the 300 (the rest never answer).
      for (const [i, { depression }] of labelled.slice(0, 250).entries())
        await runtime.predictions.recordOutcome(`truth-${i}`, depression);
      const report = await runtime.quality.report({ window: '1h' });
      expect(report.versions.map((v) => [v.version, v.labels])).toEqual([[1, 250]]);
      const [v1] = report.versions;

      const champion = await loadRegisteredModel(
        runtime.registry,
        runtime.blobs,
        'student-depression@champion',
      );
      const offline = evaluate(
        champion.pipeline,
        labelled.slice(0, 250),
        champion.artifact.threshold,
      );
      expect(Math.abs(v1.rocAuc.value! - offline.metrics.roc_auc!)).toBeLessThan(1e-9);
      expect(Math.abs(v1.brier.value! - offline.metrics.brier)).toBeLessThan(1e-9);
      expect(Math.abs(v1.accuracy.value! - offline.metrics.accuracy)).toBeLessThan(1e-9);
      expect(v1.rocAuc.low!).toBeLessThan(v1.rocAuc.value!);
      expect(v1.rocAuc.high!).toBeGreaterThan(v1.rocAuc.value!);
      expect(v1.calibration.reduce((s, bin) => s + bin.count, 0)).toBe(250);
      // Slices carry their own label counts, adding up to the whole.
      const bands = Object.entries(v1.slices).filter(([key]) => key.startsWith('age_band='));
      expect(bands.reduce((s, [, f]) => s + f.labels, 0)).toBe(250);
      expect(
        Math.abs(v1.slices['gender=Female'].rocAuc.value! - offline.slices.gender.Female.roc_auc!),
      ).toBeLessThan(1e-9);
    });
  },
);
