import { readLabelledData } from '../app/dataset-source.js';
import { evaluate } from '../training/evaluate.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

export const evaluateCommand = configurableCommand(
  'evaluate',
  'Score a registered model version on a dataset or a CSV file and print its metrics',
)
  .requiredOption('--model <ref>', 'name@alias, name/version, or name (its champion)')
  .requiredOption(
    '--data <dataset|file>',
    'dataset id or name, a CSV file in the published format, or survey[:since=YYYY-MM-DD]',
  )
  .option('--json', 'print the metrics as JSON')
  .action(async (overrides: string[], options: { model: string; data: string; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const { model, data, evaluation } = await withRuntime(config, async (runtime) => {
      const model = await loadRegisteredModel(runtime.registry, runtime.blobs, options.model);
      const data = await readLabelledData(runtime, options.data);
      return {
        model,
        data,
        evaluation: evaluate(model.pipeline, data.records, model.artifact.threshold),
      };
    });
    if (options.json) {
      return printJson({
        model: model.version.ref,
        data: data.source,
        rows: data.records.length,
        skippedRows: data.rejected.length,
        threshold: model.artifact.threshold,
        metrics: evaluation.metrics,
      });
    }
    console.log(
      `${model.version.ref} on ${data.source}: ${data.records.length} rows${data.rejected.length ? `, ${data.rejected.length} invalid rows skipped` : ''}`,
    );
    console.log(
      formatTable(
        ['METRIC', 'VALUE'],
        Object.entries(evaluation.metrics).map(([key, value]) => [
          key,
          value === null ? 'n/a' : value.toFixed(4),
        ]),
      ),
    );
  });
