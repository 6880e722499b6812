import { Command } from 'commander';
import {
  CliError,
  configurableCommand,
  loadCliConfig,
  printJson,
  withDatabase,
} from '../../cli/shared.js';
import { formatTime } from '../../cli/format.js';
import { formatTable } from '../../cli/table.js';
import { bestTrial } from '../best-trial.js';
import { parseDefinition } from '../study-definition.js';
import { StudyRepository } from '../study-repository.js';
import { summarise } from '../tune-study.js';
import { printSummary } from './tune-command.js';

const list = configurableCommand('list', 'List tuning studies, newest first')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const rows = await withDatabase(config, async (database) => {
      const repository = new StudyRepository(database.db);
      const studies = await repository.list();
      return Promise.all(
        studies.map(async (study) => {
          const trials = await repository.trials(study.id);
          const counts = { running: 0, complete: 0, pruned: 0, failed: 0 };
          for (const trial of trials) counts[trial.state]++;
          const best = bestTrial(trials, study.direction);
          return {
            name: study.name,
            state: study.state,
            model: study.model,
            metric: study.metric,
            target: study.target_trials,
            trials: counts,
            bestValue: best?.value ?? null,
            version: study.model_version,
            createdAt: study.created_at,
          };
        }),
      );
    });
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
    const summary = await withDatabase(config, async (database) => {
      const repository = new StudyRepository(database.db);
      const study = await repository.findByName(name);
      if (!study) throw new CliError(`No study ${name} (see \`sdp studies list\`)`);
      return summarise(repository, study, parseDefinition(study.definition));
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
