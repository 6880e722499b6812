import { setTimeout as sleep } from 'node:timers/promises';
import { openRuntime } from '../../app/runtime.js';
import type { Config } from '../../config/schema.js';
import type { DatasetRepository } from '../../data/dataset-repository.js';
import { defaultDataset, resolveDataset } from '../../app/dataset-source.js';
import { ProgressBar } from '../../cli/progress.js';
import {
  CliError,
  configurableCommand,
  loadCliConfig,
  printJson,
  VERSION,
  withServices,
} from '../../cli/shared.js';
import { formatTable } from '../../cli/table.js';
import { formatValue } from '../../cli/format.js';
import { createLogger } from '../../platform/log.js';
import type { JobId } from '../../platform/queue/job-queue.js';
import { StudyRepository } from '../study-repository.js';
import { TuneError, tuneStudy, type TuneInput, type TuneSummary } from '../tune-study.js';

export const tuneCommand = configurableCommand(
  'tune',
  'Tune hyperparameters: a persistent study of cross-validated trials (TPE or random, median pruning)',
)
  .option(
    '--data <dataset|file>',
    'dataset id or name, or a CSV file (default: the newest real dataset)',
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
        throw new CliError(
          '--distributed needs a shared PostgreSQL database (DATABASE_URL=postgres://…)',
        );
      }
      const bar = new ProgressBar(`tune ${config.model.name}`);
      const input = (dataset: TuneInput['dataset']): TuneInput => ({
        config,
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

      let summary: TuneSummary;
      try {
        if (options.distributed) {
          const runtime = await openRuntime({ config, groups, log: createLogger(config) });
          try {
            const studies = new StudyRepository(runtime.database.db);
            const dataset = await pickDataset(runtime.services, options.data, config);
            summary = await tuneStudy(
              { ...runtime.services, studies },
              {
                ...input(dataset),
                distribute: async (study, remaining) => {
                  // One job per missing trial; more follow if trials fail until the budget is met.
                  const jobs: JobId[] = [];
                  const enqueue = async (count: number) => {
                    for (let i = 0; i < count; i++)
                      jobs.push(
                        await runtime.queue.enqueue({ type: 'tune-trial', study: study.name }),
                      );
                  };
                  await enqueue(remaining);
                  for (;;) {
                    const counts = await studies.counts(study.id);
                    const done = counts.complete + counts.pruned;
                    bar.update(
                      done,
                      config.tune.trials,
                      `${done}/${config.tune.trials} trials on workers`,
                    );
                    if (done >= config.tune.trials) return;
                    const states = await Promise.all(jobs.map((id) => runtime.queue.getJob(id)));
                    const open = states.filter(
                      (job) => job && job.state !== 'completed' && job.state !== 'failed',
                    );
                    if (open.length === 0 && jobs.length < 3 * config.tune.trials) {
                      await enqueue(Math.max(1, config.tune.trials - done - counts.running));
                    }
                    await sleep(1000);
                  }
                },
              },
            ).finally(() => bar.done());
          } finally {
            await runtime.close();
          }
        } else {
          summary = await withServices(config, async (services, database) => {
            const dataset = await pickDataset(services, options.data, config);
            return tuneStudy(
              { ...services, studies: new StudyRepository(database.db) },
              input(dataset),
            ).finally(() => bar.done());
          });
        }
      } catch (error) {
        if (error instanceof TuneError) throw new CliError(error.message);
        throw error;
      }
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

async function pickDataset(
  services: { datasets: DatasetRepository },
  ref: string | undefined,
  config: Config,
) {
  // A resumed study keeps its own dataset; a new one needs one, which tuneStudy checks.
  if (ref) return resolveDataset(services.datasets, ref, { settings: config.data, config });
  return defaultDataset(services.datasets);
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
