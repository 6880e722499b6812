import { writeFileSync } from 'node:fs';
import { readLabelledData } from '../training/labelled-data.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { configurableCommand, loadCliConfig, withServices } from './shared.js';

export const predictCommand = configurableCommand(
  'predict',
  'Batch scoring: write id, probability and label for every row of a CSV file or dataset',
)
  .requiredOption('--model <ref>', 'name@alias, name/version, or name (its champion)')
  .requiredOption(
    '--data <dataset|file>',
    'dataset id or name, or a CSV file in the published format',
  )
  .requiredOption('--out <file>', 'CSV file to write')
  .addHelpText('after', '\nScores are a screening aid for the wellbeing team, never a diagnosis.')
  .action(async (overrides: string[], options: { model: string; data: string; out: string }) => {
    const { config } = loadCliConfig(overrides);
    const { model, data, probabilities } = await withServices(config, async (services) => {
      const model = await loadRegisteredModel(services.registry, services.blobs, options.model);
      const data = await readLabelledData(services.datasets, options.data);
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
