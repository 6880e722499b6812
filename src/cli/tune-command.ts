import { recordableConfig } from '../app/config.js';
import { defaultDataset, resolveDataset, type DatasetSources } from '../app/dataset-source.js';
import { DomainError } from '../errors.js';
import { distributeTrials } from '../tuning/distribute-trials.js';
import { tuneStudy, type TuneInput, type TuneSummary } from '../tuning/tune-study.js';
import { formatValue } from './format.js';
import { ProgressBar } from './progress.js';
import { configurableCommand, loadCliConfig, printJson, VERSION, withRuntime } from './shared.js';
import { formatTable } from './table.js';

export const tuneCommand = configurableCommand(
  'tune',
  'Tune hyperparameters: a persistent study of cross-validated trials (TPE or random, median pruning)',
)
  .option(
    '--data <dataset|file>',
    'dataset id or name, a CSV file, or survey[:since=YYYY-MM-DD] (default: the newest real dataset)',
  )
  .option('--study <name>', 'study name: resumes it, or joins other processes working on it')
  .option('--distributed', 'enqueue the trials for `sdp worker`s (PostgreSQL required) and wait')
  .option(
    '--json',
    'print {study, bestValue, bestParams, trials: {complete, pruned, failed}, version}',
  )
  .addHelpText(
    'after',
    `
Examples:
  sdp tune --data ../shared/data/student-depression/dev.csv model=gbdt tune.trials=50
  sdp tune model=gbdt tune.sampler=random tune.pruner=none tune.parallelism=1 tune.seed=7
  sdp tune --study s1 model=gbdt        # run it again, or in another process, to resume or share s1

The search space is tune.space.<model> (config/tune/default.yaml). The best trial is refit on
the training split and registered as a candidate version, never promoted.`,
  )
  .action(
    async (
      overrides: string[],
      options: { data?: string; study?: string; distributed?: boolean; json?: boolean },
    ) => {
      const { config, groups } = loadCliConfig(overrides);
      if (options.distributed && config.database.url === 'embedded') {
        throw DomainError.invalid(
          '--distributed needs a shared PostgreSQL database (DATABASE_URL=postgres://…)',
        );
      }
      const bar = new ProgressBar(`tune ${config.model.name}`);
      const input = (dataset: TuneInput['dataset']): TuneInput => ({
        config,
        recordedConfig: recordableConfig(config),
        groups,
        dataset,
        study: options.study,
        codeVersion: `sdp@${VERSION}`,
        onTrialEnd: (_event, counts, best) => {
          const done = counts.complete + counts.pruned;
          bar.update(
            done,
            config.tune.trials,
            `${done}/${config.tune.trials} trials (${counts.pruned} pruned, ${counts.failed} failed)` +
              (best === null ? '' : ` best ${best.toFixed(4)}`),
          );
        },
      });

      const summary = options.distributed
        ? await withRuntime(
            config,
            async (runtime) =>
              tuneStudy(runtime, {
                ...input(await pickDataset(runtime, options.data)),
                distribute: (study, remaining) =>
                  distributeTrials(runtime.queue, runtime.studies, study, {
                    target: config.tune.trials,
                    remaining,
                    onProgress: (done, target) =>
                      bar.update(done, target, `${done}/${target} trials on workers`),
                  }),
              }),
            { queue: true, groups },
          ).finally(() => bar.done())
        : await withRuntime(config, async (runtime) =>
            tuneStudy(runtime, input(await pickDataset(runtime, options.data))),
          ).finally(() => bar.done());
      if (options.json) {
        printJson({
          study: summary.study,
          bestValue: summary.bestValue,
          bestParams: summary.bestParams,
          trials: summary.trials,
          version: summary.version,
        });
      } else {
        printSummary(summary);
      }
    },
  );

/** A resumed study keeps its own dataset; a new one needs one, which tuneStudy checks. */
async function pickDataset(sources: DatasetSources, ref: string | undefined) {
  return ref ? resolveDataset(sources, ref) : defaultDataset(sources);
}

/** The trial table, best trial, parameter importance and what was registered. */
export function printSummary(summary: TuneSummary): void {
  const params = [...new Set(summary.table.flatMap((trial) => Object.keys(trial.params)))];
  console.log(`\nstudy ${summary.study} (${summary.metric}, ${summary.direction})`);
  console.log(
    formatTable(
      ['#', 'STATE', 'VALUE', 'FOLDS', ...params.map((p) => p.toUpperCase()), 'WORKER'],
      summary.table.map((trial) => [
        trial.number,
        trial.state,
        trial.value === null ? '' : trial.value.toFixed(4),
        trial.intermediate.size,
        ...params.map((p) => formatValue(trial.params[p])),
        trial.worker.split(':').slice(0, 2).join(':'),
      ]),
    ),
  );
  const { complete, pruned, failed } = summary.trials;
  console.log(`\ntrials: ${complete} complete, ${pruned} pruned, ${failed} failed`);
  if (summary.bestValue !== null) {
    console.log(
      `best: trial ${summary.bestTrial}, ${summary.metric} ${summary.bestValue.toFixed(4)}`,
    );
    console.log(
      formatTable(
        ['PARAM', 'BEST', 'IMPORTANCE'],
        Object.entries(summary.bestParams ?? {}).map(([name, value]) => [
          name,
          formatValue(value),
          summary.importance[name] === undefined ? '' : summary.importance[name].toFixed(2),
        ]),
      ),
    );
  }
  if (summary.version !== null)
    console.log(`registered ${summary.model} version ${summary.version} (candidate)`);
  if (summary.note) console.log(summary.note);
}
