import { writeFileSync } from 'node:fs';
import { readLabelledData } from '../app/dataset-source.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { configurableCommand, loadCliConfig, withRuntime } from './shared.js';

export const predictCommand = configurableCommand(
  'predict',
  'Batch scoring: write id, probability and label for every row of a CSV file or dataset',
)
  .requiredOption('--model <ref>', 'name@alias, name/version, or name (its champion)')
  .requiredOption(
    '--data <dataset|file>',
    'dataset id or name, a CSV file in the published format, or survey[:since=YYYY-MM-DD]',
  )
  .requiredOption('--out <file>', 'CSV file to write')
  .addHelpText('after', '\nScores are a screening aid for the wellbeing team, never a diagnosis.')
  .action(async (overrides: string[], options: { model: string; data: string; out: string }) => {
    const { config } = loadCliConfig(overrides);
    const { model, data, probabilities } = await withRuntime(config, async (runtime) => {
      const model = await loadRegisteredModel(runtime.registry, runtime.blobs, options.model);
      const data = await readLabelledData(runtime, options.data);
      return { model, data, probabilities: model.pipeline.predictProba(data.records) };
    });
    const { threshold } = model.artifact;
    const lines = ['id,probability,label'];
    probabilities.forEach((p, i) => lines.push(`${data.ids[i]},${p},${p >= threshold ? 1 : 0}`));
    writeFileSync(options.out, `${lines.join('\n')}\n`);
    console.log(
      `scored ${data.records.length} rows with ${model.version.ref} (threshold ${threshold}); wrote ${options.out}`,
    );
  });
