import { recordableConfig } from '../app/config.js';
import { ingestCsvFile } from '../data/ingest.js';
import { formatValidationReport } from '../data/validation-report.js';
import { ProgressBar } from './progress.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';

export const ingestCommand = configurableCommand(
  'ingest',
  'Ingest a Kaggle Student Depression CSV (either published variant) as a new dataset version',
  ['<file>', 'CSV file in the published format'],
)
  .option('--name <name>', 'dataset name (default: the file name)')
  .option('--force', 'store even if validation expectations fail')
  .option('--json', 'print {datasetId, name, contentHash, rows, quarantined, created}')
  .addHelpText(
    'after',
    `
Invalid rows are quarantined with their line number and reason; the rest are stored, in one
transaction: on any error nothing is stored. Ingesting the same records again (either variant)
stores nothing and reports created: false.`,
  )
  .action(
    async (
      file: string,
      overrides: string[],
      options: { name?: string; force?: boolean; json?: boolean },
    ) => {
      const { config } = loadCliConfig(overrides);
      const bar = new ProgressBar('ingesting');
      const result = await withRuntime(config, (runtime) =>
        ingestCsvFile(runtime.datasets, file, {
          name: options.name,
          force: options.force,
          settings: config.data,
          config: recordableConfig(config),
          onProgress: (read, total) =>
            bar.update(read, total, `${(read / 2 ** 20).toFixed(1)} MiB`),
        }),
      ).finally(() => bar.done());

      const { datasetId, name, contentHash, rows, quarantined, created } = result;
      if (options.json)
        return printJson({ datasetId, name, contentHash, rows, quarantined, created });
      console.log(
        created
          ? `stored dataset ${datasetId} "${name}": ${rows} rows, ${quarantined} quarantined`
          : `already ingested as dataset ${datasetId} "${name}" (${rows} rows); nothing stored`,
      );
      if (created) console.log(`\n${formatValidationReport(result.validation)}`);
    },
  );
