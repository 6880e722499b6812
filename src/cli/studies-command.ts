import { Command } from 'commander';
import { DomainError } from '../errors.js';
import { parseDefinition } from '../tuning/study-definition.js';
import { listStudies, summarise } from '../tuning/tune-study.js';
import { formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';
import { printSummary } from './tune-command.js';

const list = configurableCommand('list', 'List tuning studies, newest first')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const rows = await withRuntime(config, ({ studies }) => listStudies(studies));
    if (options.json) return printJson(rows);
    console.log(
      formatTable(
        [
          'STUDY',
          'STATE',
          'MODEL',
          'TRIALS',
          'COMPLETE',
          'PRUNED',
          'FAILED',
          'RUNNING',
          'BEST',
          'VERSION',
          'CREATED',
        ],
        rows.map((row) => [
          row.name,
          row.state,
          row.model,
          row.target,
          row.trials.complete,
          row.trials.pruned,
          row.trials.failed,
          row.trials.running,
          row.bestValue === null ? '' : `${row.metric} ${row.bestValue.toFixed(4)}`,
          row.version ?? '',
          formatTime(row.createdAt),
        ]),
      ),
    );
  });

const show = configurableCommand(
  'show',
  'Show a study: its trials, best trial and parameter importance',
  ['<name>', 'study name'],
)
  .option('--json', 'print JSON')
  .action(async (name: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const summary = await withRuntime(config, async ({ studies }) => {
      const study = await studies.findByName(name);
      if (!study) throw DomainError.notFound(`No study ${name} (see \`sdp studies list\`)`);
      return summarise(studies, study, parseDefinition(study.definition));
    });
    if (!options.json) return printSummary(summary);
    printJson({
      ...summary,
      table: summary.table.map((trial) => ({
        ...trial,
        intermediate: Object.fromEntries(trial.intermediate),
      })),
    });
  });

export const studiesCommand = new Command('studies')
  .description('Tuning studies (sdp tune): list them, show one')
  .addCommand(list)
  .addCommand(show);
