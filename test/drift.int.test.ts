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
  },
);
