import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, Option } from 'commander';
import { recordableConfig } from '../app/config.js';
import { resolveDataset } from '../app/dataset-source.js';
import { formatKaggleCsvLines, type KaggleCsvVariant } from '../data/kaggle-csv.js';
import type { LabelledRespondent } from '../data/record.js';
import { fitSynthModel, generateSynthetic, synthParamsSchema } from '../data/synth.js';
import { serialiseSynthParams } from '../data/synth-model.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { DomainError } from '../errors.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';

function wholeNumber(max: number) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > max) {
      throw new InvalidArgumentError(`expected a whole number from 0 to ${max}`);
    }
    return number;
  };
}

function readParams(file: string) {
  const parsed = synthParamsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw DomainError.invalid(
      `${file} is not a synthetic-data parameter file: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

const fit = configurableCommand(
  'fit',
  'Fit generator parameters (marginals and feature-label dependence) from a dataset',
  ['<dataset>', 'dataset id or name, or a CSV file'],
)
  .option('--out <file>', 'parameter file to write', 'synth-params.json')
  .action(async (ref: string, overrides: string[], options: { out: string }) => {
    const { config } = loadCliConfig(overrides);
    const records = await withRuntime(config, async (runtime) => {
      const dataset = await resolveDataset(runtime, ref);
      const rows: LabelledRespondent[] = [];
      for await (const row of runtime.datasets.rows(dataset.id)) rows.push(row.record);
      return rows;
    });
    writeFileSync(options.out, serialiseSynthParams(fitSynthModel(records)));
    console.log(
      `wrote generator parameters fitted on ${records.length} rows to ${options.out} (figures only, no rows)`,
    );
  });

export const synthCommand = configurableCommand(
  'synth',
  'Generate synthetic respondents in the published CSV format (or store them as a dataset)',
)
  .requiredOption('--rows <n>', 'how many rows', wholeNumber(100_000_000))
  .option(
    '--seed <n>',
    'random seed: the same seed gives the same rows',
    wholeNumber(2 ** 32 - 1),
    1,
  )
  .option('--out <file>', 'CSV file to write')
  .option('--store', 'store the rows as a dataset version marked synthetic instead')
  .option('--params <file>', 'generator parameters (default: the ones shipped, fitted on dev.csv)')
  .addOption(
    new Option('--variant <variant>', 'published format')
      .choices(['quoted', 'unquoted'])
      .default('quoted'),
  )
  .option('--json', 'with --store: print the stored dataset as JSON')
  .action(
    async (
      overrides: string[],
      options: {
        rows: number;
        seed: number;
        out?: string;
        store?: boolean;
        params?: string;
        variant: KaggleCsvVariant;
        json?: boolean;
      },
    ) => {
      if (!options.out === !options.store)
        throw DomainError.invalid('Give exactly one of --out <file> or --store.');
      const params = options.params ? readParams(options.params) : undefined;
      if (options.out) {
        const lines = formatKaggleCsvLines(
          generateSynthetic({ rows: options.rows, seed: options.seed, params }),
          {
            variant: options.variant,
          },
        );
        await pipeline(Readable.from(lines), createWriteStream(options.out));
        return console.log(
          `wrote ${options.rows} synthetic rows (seed ${options.seed}) to ${options.out}`,
        );
      }
      const { config } = loadCliConfig(overrides);
      const result = await withRuntime(config, (runtime) =>
        storeSyntheticDataset(runtime.datasets, {
          rows: options.rows,
          seed: options.seed,
          params,
          settings: config.data,
          config: recordableConfig(config),
        }),
      );
      const { datasetId, name, contentHash, rows, quarantined, created } = result;
      if (options.json)
        return printJson({
          datasetId,
          name,
          contentHash,
          rows,
          quarantined,
          created,
          synthetic: true,
        });
      console.log(
        `${created ? 'stored' : 'already stored as'} synthetic dataset ${datasetId} (${rows} rows)`,
      );
    },
  )
  .addCommand(fit);
