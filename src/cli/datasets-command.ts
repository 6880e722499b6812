import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, Option } from 'commander';
import {
  DatasetRepository,
  type DatasetVersion,
  type StoredRow,
} from '../data/dataset-repository.js';
import { formatKaggleCsvLines, type KaggleCsvVariant } from '../data/kaggle-csv.js';
import { CliError, configurableCommand, loadCliConfig, printJson, withDatabase } from './shared.js';
import { formatTable } from './table.js';

async function resolveOrFail(repository: DatasetRepository, ref: string): Promise<DatasetVersion> {
  const dataset = await repository.resolve(ref);
  if (!dataset) throw new CliError(`No dataset "${ref}" (see \`sdp datasets list\`).`);
  return dataset;
}

const list = configurableCommand('list', 'List dataset versions, newest first')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const datasets = await withDatabase(config, (database) =>
      new DatasetRepository(database.db).list(),
    );
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
    const { dataset, quarantine } = await withDatabase(config, async (database) => {
      const repository = new DatasetRepository(database.db);
      const dataset = await resolveOrFail(repository, ref);
      return { dataset, quarantine: await repository.quarantine(dataset.id, 100) };
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
      const count = await withDatabase(config, async (database) => {
        const repository = new DatasetRepository(database.db);
        const dataset = await resolveOrFail(repository, ref);
        return writeCsv(repository.rows(dataset.id), options.out, options.variant);
      });
      console.log(`wrote ${count} rows to ${options.out}`);
    },
  );

/** Streams stored rows to a CSV file a page at a time, keeping their source ids. */
async function writeCsv(
  rows: AsyncIterable<StoredRow>,
  file: string,
  variant: KaggleCsvVariant,
): Promise<number> {
  const out = createWriteStream(file);
  let page: StoredRow[] = [];
  let count = 0;
  const flush = async () => {
    const lines = formatKaggleCsvLines(
      page.map((row) => row.record),
      {
        variant,
        ids: page.map((row) => row.sourceId ?? String(row.position + 1)),
      },
    );
    const header = lines.next();
    // Each page is formatted on its own; only the first one's header line is written.
    if (count === 0 && !header.done) out.write(header.value);
    for (const line of lines) {
      if (!out.write(line)) await once(out, 'drain');
    }
    count += page.length;
    page = [];
  };
  for await (const row of rows) {
    page.push(row);
    if (page.length === 5000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return count;
}

export const datasetsCommand = new Command('datasets')
  .description('List, inspect and export dataset versions')
  .addCommand(list)
  .addCommand(show)
  .addCommand(exportCommand);
