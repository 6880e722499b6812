import { createReadStream, existsSync } from 'node:fs';
import type { DatasetRepository } from '../data/dataset-repository.js';
import { readKaggleCsv } from '../data/kaggle-csv.js';
import { ValidationRun, validateRows, type ValidationReport } from '../data/validate.js';
import { formatValidationReport, validationReportToJson } from '../data/validation-report.js';
import { DomainError } from '../errors.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';

export const validateCommand = configurableCommand(
  'validate',
  'Run the validation suite on a dataset version (id or name) or a CSV file',
  ['<dataset>', 'dataset id or name, or a path to a CSV file'],
)
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nExit code: 0 when nothing fails (warnings allowed), 1 when an expectation fails.',
  )
  .action(async (target: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const report = existsSync(target)
      ? await validateRows(
          readKaggleCsv(createReadStream(target), { maxBytes: config.data.maxFileBytes }),
        )
      : await withRuntime(config, (runtime) => validateDataset(runtime.datasets, target));
    if (options.json) printJson(validationReportToJson(report));
    else console.log(formatValidationReport(report));
    if (report.status === 'fail') process.exitCode = 1;
  });

async function validateDataset(
  repository: DatasetRepository,
  ref: string,
): Promise<ValidationReport> {
  const dataset = await repository.resolve(ref);
  if (!dataset)
    throw DomainError.notFound(`No dataset or file named "${ref}" (see \`sdp datasets list\`).`);
  const run = new ValidationRun();
  for await (const row of repository.rows(dataset.id)) {
    run.add({
      ok: true,
      record: row.record,
      line: row.line,
      ...(row.sourceId ? { sourceId: row.sourceId } : {}),
    });
  }
  return run.finish();
}
