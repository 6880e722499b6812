import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { KaggleCsvVariant } from '../data/kaggle-csv.js';
import { aggregateByGroup, exportSurveyKaggle } from '../survey/survey-export.js';
import { currentUser } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('expected a day as YYYY-MM-DD');
  return value;
}

const exportCommand = configurableCommand(
  'export',
  'Write training responses in the published Kaggle format (label = PHQ-9 total >= 10), groups smaller than survey.k suppressed',
)
  .option('--since <day>', 'only responses submitted on or after this day (YYYY-MM-DD)', day)
  .addOption(
    new Option('--format <format>', 'output format').choices(['kaggle']).makeOptionMandatory(),
  )
  .addOption(
    new Option('--variant <variant>', 'published byte format')
      .choices(['quoted', 'unquoted'])
      .default('quoted'),
  )
  .option('--out <file>', 'file to write (default: standard output)')
  .action(
    async (
      overrides: string[],
      options: { since?: string; variant: KaggleCsvVariant; out?: string },
    ) => {
      const { config } = loadCliConfig(overrides);
      await withRuntime(config, async ({ surveys, audit }) => {
        const result = await exportSurveyKaggle(surveys, {
          since: options.since,
          k: config.survey.k,
          variant: options.variant,
        });
        const target = options.out ? createWriteStream(options.out) : process.stdout;
        await pipeline(Readable.from(result.lines), target, { end: Boolean(options.out) });
        await audit.record({
          actor: currentUser(),
          action: 'survey.export',
          target: options.out ?? '(standard output)',
          reason: null,
          details: {
            rows: result.rows,
            suppressed: result.suppressed,
            since: options.since ?? null,
          },
        });
        process.stderr.write(
          `exported ${result.rows} response(s)${options.out ? ` to ${options.out}` : ''}; ` +
            `${result.suppressed} suppressed (groups smaller than k=${config.survey.k})\n`,
        );
      });
    },
  );

const statsCommand = configurableCommand(
  'stats',
  'Responses by state, and by age band, gender, city and degree with groups smaller than survey.k suppressed',
)
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const { states, groups, suppressed } = await withRuntime(config, async ({ surveys }) => ({
      states: await surveys.countByState(),
      ...aggregateByGroup(await surveys.aggregateRows(), config.survey.k),
    }));
    if (options.json) return printJson({ states, k: config.survey.k, groups, suppressed });
    console.log(
      `responses: ${states.training} for training, ${states.manual_review} waiting for manual review`,
    );
    console.log(
      formatTable(
        ['age', 'gender', 'city', 'degree', 'responses', 'mean PHQ-9', 'PHQ-9 >= 10'],
        groups.map((group) => [
          group.ageBand,
          group.gender ?? '-',
          group.city ?? '-',
          group.degree ?? '-',
          group.responses,
          group.meanPhq9.toFixed(1),
          `${Math.round(group.positiveShare * 100)}%`,
        ]),
      ),
    );
    console.log(`${suppressed} response(s) in groups smaller than k=${config.survey.k} not shown`);
  });

/** `sdp survey`: export responses for training, and k-anonymous aggregate views. */
export const surveyCommand = new Command('survey')
  .description('Survey responses: export for training, k-anonymous aggregate views')
  .addCommand(exportCommand)
  .addCommand(statsCommand);
