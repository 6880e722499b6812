import { recordableConfig } from '../app/config.js';
import { defaultDataset, resolveDataset } from '../app/dataset-source.js';
import { expandSweep } from '../config/overrides.js';
import { DomainError } from '../errors.js';
import { trainModel, type TrainResult } from '../training/train-model.js';
import { ProgressBar } from './progress.js';
import { configurableCommand, loadCliConfig, printJson, VERSION, withRuntime } from './shared.js';
import { formatTable } from './table.js';

export const trainCommand = configurableCommand(
  'train',
  'Train a model: split, cross-validate, fit, evaluate, track the run and register a version',
)
  .option(
    '--data <dataset|file>',
    'dataset id or name, a CSV file, or survey[:since=YYYY-MM-DD] (default: the newest real dataset)',
  )
  .option(
    '-m, --multirun',
    'sweep: comma-separated values run every combination (model=logistic,gbdt)',
  )
  .option('--json', 'print {runId, model, version, reused, metrics} (an array with --multirun)')
  .addHelpText(
    'after',
    `
Examples:
  sdp train --data ../shared/data/student-depression/dev.csv model=logistic
  sdp train model=gbdt model.params.learningRate=0.05 train.seed=7
  sdp train -m model=logistic,gbdt --json

The first registered version of a model becomes its champion; later ones stay candidates
until promoted (sdp models alias set …). A model identical to a registered one (same data,
config and seed: the same artifact, byte for byte) reuses that version.`,
  )
  .action(
    async (overrides: string[], options: { data?: string; multirun?: boolean; json?: boolean }) => {
      const sweeps = options.multirun ? expandSweep(overrides) : [overrides];
      // Every combination is validated before the first one trains.
      const runs = sweeps.map((runOverrides) => ({
        overrides: runOverrides,
        ...loadCliConfig(runOverrides),
      }));
      const results: TrainResult[] = [];
      await withRuntime(runs[0].config, async (runtime) => {
        const dataset = options.data
          ? await resolveDataset(runtime, options.data)
          : await defaultDataset(runtime);
        if (!dataset) {
          throw DomainError.notFound(
            'No dataset yet: pass --data <file.csv>, `sdp ingest <file.csv>` or `sdp synth --rows 5000 --store`.',
          );
        }
        for (const run of runs) {
          const bar = new ProgressBar(`train ${run.config.model.name}`);
          const result = await trainModel(runtime, {
            dataset,
            config: run.config,
            recordedConfig: recordableConfig(run.config),
            groups: run.groups,
            codeVersion: `sdp@${VERSION}`,
            onProgress: (stage, done, total) => bar.update(done, total, stage),
          }).finally(() => bar.done());
          results.push(result);
          if (!options.json) printResult(result, run.overrides, dataset.synthetic);
        }
      });
      if (options.json) {
        const shown = results.map(({ runId, model, version, reused, metrics }) => ({
          runId,
          model,
          version,
          reused,
          metrics,
        }));
        printJson(options.multirun ? shown : shown[0]);
      }
    },
  );

function printResult(result: TrainResult, overrides: string[], synthetic: boolean): void {
  const { metrics } = result;
  const aliases = result.aliases.length ? ` (${result.aliases.join(', ')})` : ' (candidate)';
  console.log(`\nrun ${result.runId}${overrides.length ? ` [${overrides.join(' ')}]` : ''}`);
  const outcome = result.reused
    ? `identical to ${result.model} version ${result.version}${aliases} (the same artifact, byte for byte): no new version`
    : `registered ${result.model} version ${result.version}${aliases}`;
  console.log(`${outcome}${synthetic ? ' — trained on SYNTHETIC data' : ''}`);
  const fmt = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));
  console.log(
    formatTable(
      ['METRIC', 'VALUE'],
      [
        ['cv roc_auc', `${fmt(metrics.cv_roc_auc_mean)} ± ${fmt(metrics.cv_roc_auc_std)}`],
        ['test roc_auc', fmt(metrics.roc_auc)],
        ['test accuracy', fmt(metrics.accuracy)],
        ['test f1', fmt(metrics.f1)],
        ['test log_loss', fmt(metrics.log_loss)],
        ['test brier', fmt(metrics.brier)],
      ],
    ),
  );
  for (const warning of result.warnings) console.log(`warning: ${warning}`);
}
