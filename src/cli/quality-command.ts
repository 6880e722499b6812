import type { Estimate } from '../monitoring/quality.js';
import { formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

const estimate = (e: Estimate, digits = 3) =>
  e.value === null
    ? '-'
    : `${e.value.toFixed(digits)} [${e.low!.toFixed(digits)}, ${e.high!.toFixed(digits)}]`;

export const qualityCommand = configurableCommand(
  'quality',
  'Continuous evaluation: served predictions against the labels that arrived (PHQ-9, feedback)',
)
  .option('--window <duration>', 'how far back, e.g. 7d, 30d (default: monitoring.quality.window)')
  .option('--slices', 'also per fairness slice (gender, age band, degree level)')
  .option('--json', 'print JSON')
  .action((overrides: string[], options: { window?: string; slices?: boolean; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    return withRuntime(config, async ({ quality }) => {
      const report = await quality.report({
        window: options.window ?? config.monitoring.quality.window,
      });
      if (options.json) return printJson(report);
      console.log(
        `${report.model}: predictions with ground truth from ${formatTime(report.from)} to ${formatTime(report.to)} ` +
          '(95% intervals; a score is a screening aid, never a diagnosis)\n',
      );
      if (report.versions.length === 0)
        return console.log('No labelled predictions in this window.');
      const rows = report.versions.flatMap((v) => [
        [
          `v${v.version}`,
          'all',
          v.labels,
          v.positives,
          estimate(v.rocAuc),
          estimate(v.accuracy),
          estimate(v.brier, 4),
        ],
        ...(options.slices
          ? Object.entries(v.slices).map(([slice, f]) => [
              '',
              slice,
              f.labels,
              f.positives,
              estimate(f.rocAuc),
              estimate(f.accuracy),
              estimate(f.brier, 4),
            ])
          : []),
      ]);
      console.log(
        formatTable(
          ['VERSION', 'SLICE', 'LABELS', 'POSITIVE', 'ROC-AUC', 'ACCURACY', 'BRIER'],
          rows,
        ),
      );
    });
  });
