import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { DriftReport } from '../monitoring/drift-report.js';
import type { StoredDriftReport } from '../monitoring/drift-service.js';
import { formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

const num = (x: number | null, digits = 4) =>
  x === null ? '-' : Number.isFinite(x) ? x.toFixed(digits) : 'inf';

async function output(
  stored: StoredDriftReport,
  options: { json?: boolean; html?: string },
): Promise<void> {
  if (options.html) {
    const { driftReportHtml } = await import('../monitoring/drift-html.js');
    writeFileSync(options.html, driftReportHtml(stored));
  }
  if (options.json) return printJson(stored);
  const report = stored.report as DriftReport;
  console.log(
    `drift report ${stored.id}: ${report.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'} — ` +
      `${report.driftedFeatures.length} of ${report.features.length} features drifted` +
      (report.driftedFeatures.length ? ` (${report.driftedFeatures.join(', ')})` : '') +
      `\n${stored.current_rows} predictions ${formatTime(stored.window_start)} … ${formatTime(stored.window_end)} ` +
      `against ${stored.reference_dataset} (${report.referenceRows} rows), ${stored.model_name} v${stored.model_version}` +
      (report.score
        ? `\nscore: PSI ${num(report.score.psi)} (${report.score.drifted ? 'drifted' : 'stable'}, threshold ${report.score.threshold})`
        : '') +
      `\n${report.multipleTesting}\n`,
  );
  console.log(
    formatTable(
      ['FEATURE', 'TEST', 'STATISTIC', 'P', 'HOLM P', 'THRESHOLD', 'VERDICT'],
      report.features.map((f) => [
        f.feature,
        f.test,
        num(f.statistic),
        num(f.pValue, 6),
        num(f.adjustedPValue, 6),
        f.threshold,
        f.drifted ? 'DRIFTED' : 'stable',
      ]),
    ),
  );
  if (options.html) console.log(`\nHTML report: ${options.html}`);
}

export const driftCommand = new Command('drift')
  .description(
    'Drift of inputs and scores against the champion’s training data (the Evidently counterpart)',
  )
  .addCommand(
    configurableCommand(
      'report',
      'Compare a window of logged predictions with the reference, and store the report',
    )
      .option(
        '--window <duration>',
        'how far back, e.g. 24h, 7d (default: monitoring.drift.window)',
      )
      .option('--json', 'print JSON')
      .option('--html <file>', 'also write a self-contained HTML report with a plot per feature')
      .action((overrides: string[], options: { window?: string; json?: boolean; html?: string }) =>
        withRuntime(loadCliConfig(overrides).config, async ({ drift }) =>
          output(await drift.report({ window: options.window }), options),
        ),
      ),
  )
  .addCommand(
    configurableCommand('show', 'Show a stored report', ['<id>', 'report id (dr_…)'])
      .option('--json', 'print JSON')
      .option('--html <file>', 'write it as a self-contained HTML report')
      .action((id: string, overrides: string[], options: { json?: boolean; html?: string }) =>
        withRuntime(loadCliConfig(overrides).config, async ({ drift }) =>
          output(await drift.get(id), options),
        ),
      ),
  )
  .addCommand(
    configurableCommand('list', 'Stored drift reports, newest first')
      .option('--json', 'print JSON')
      .action((overrides: string[], options: { json?: boolean }) =>
        withRuntime(loadCliConfig(overrides).config, async ({ drift }) => {
          const reports = await drift.list();
          if (options.json) return printJson(reports.map(({ report: _, ...summary }) => summary));
          console.log(
            reports.length
              ? formatTable(
                  ['REPORT', 'CREATED', 'WINDOW', 'ROWS', 'DATASET DRIFT', 'DRIFTED FEATURES'],
                  reports.map((r) => [
                    r.id,
                    formatTime(r.created_at),
                    `${formatTime(r.window_start)} … ${formatTime(r.window_end)}`,
                    r.current_rows,
                    r.dataset_drift ? 'yes' : 'no',
                    (r.drifted_features as string[]).join(', ') || '-',
                  ]),
                )
              : 'No drift reports yet: `sdp drift report`.',
          );
        }),
      ),
  );
