import { Command, Option } from 'commander';
import type { DatasetRepository, DatasetVersion } from '../data/dataset-repository.js';
import { writeDatasetCsv } from '../data/dataset-csv-export.js';
import type { KaggleCsvVariant } from '../data/kaggle-csv.js';
import { DomainError } from '../errors.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

async function resolveOrFail(datasets: DatasetRepository, ref: string): Promise<DatasetVersion> {
  const dataset = await datasets.resolve(ref);
  if (!dataset) throw DomainError.notFound(`No dataset "${ref}" (see \`sdp datasets list\`).`);
  return dataset;
}

const list = configurableCommand('list', 'List dataset versions, newest first')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const datasets = await withRuntime(config, (runtime) => runtime.datasets.list());
    if (options.json) return printJson(datasets);
    if (datasets.length === 0)
      return console.log('No datasets yet: `sdp ingest <file.csv>` adds one.');
    console.log(
      formatTable(
        ['ID', 'NAME', 'ROWS', 'QUARANTINED', 'POSITIVE', 'SYNTHETIC', 'SOURCE', 'CREATED'],
        datasets.map((d) => [
          d.id,
          d.name,
          d.rows,
          d.quarantined,
          d.rows ? (d.positives / d.rows).toFixed(3) : '',
          d.synthetic ? 'yes' : 'no',
          d.source,
          d.createdAt.toISOString(),
        ]),
      ),
    );
  });

const show = configurableCommand('show', 'Show one dataset version and its quarantined rows', [
  '<dataset>',
  'dataset id or name (a name means its newest version)',
])
  .option('--json', 'print JSON')
  .action(async (ref: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const { dataset, quarantine } = await withRuntime(config, async ({ datasets }) => {
      const dataset = await resolveOrFail(datasets, ref);
      return { dataset, quarantine: await datasets.quarantine(dataset.id, 100) };
    });
    if (options.json) return printJson({ ...dataset, quarantine });
    console.log(
      formatTable(
        ['FIELD', 'VALUE'],
        Object.entries(dataset).map(([k, v]) => [
          k,
          v instanceof Date ? v.toISOString() : String(v),
        ]),
      ),
    );
    if (quarantine.length) {
      console.log(`\nQuarantined rows (first ${quarantine.length}):`);
      console.log(
        formatTable(
          ['LINE', 'REASON'],
          quarantine.map((q) => [q.line, q.reason]),
        ),
      );
    }
  });

const exportCommand = configurableCommand(
  'export',
  'Write a dataset version as CSV in a published format',
  ['<dataset>', 'dataset id or name'],
)
  .requiredOption('--out <file>', 'CSV file to write')
  .addOption(
    new Option('--variant <variant>', 'published format')
      .choices(['quoted', 'unquoted'])
      .default('quoted'),
  )
  .action(
    async (
      ref: string,
      overrides: string[],
      options: { out: string; variant: KaggleCsvVariant },
    ) => {
      const { config } = loadCliConfig(overrides);
      const count = await withRuntime(config, async ({ datasets }) => {
        const dataset = await resolveOrFail(datasets, ref);
        return writeDatasetCsv(datasets.rows(dataset.id), options.out, options.variant);
      });
      console.log(`wrote ${count} rows to ${options.out}`);
    },
  );

export const datasetsCommand = new Command('datasets')
  .description('List, inspect and export dataset versions')
  .addCommand(list)
  .addCommand(show)
  .addCommand(exportCommand);
