import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { IngestError } from '../data/ingest.js';
import { CsvFormatError } from '../data/kaggle-csv.js';
import { TrackingError } from '../tracking/errors.js';
import { configCommand } from './config-command.js';
import { datasetsCommand } from './datasets-command.js';
import { ingestCommand } from './ingest-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { predictCommand } from './predict-command.js';
import { synthCommand } from './synth-command.js';
import { trainCommand } from './train-command.js';
import { validateCommand } from './validate-command.js';
import { migrateCommand } from './migrate-command.js';
import { modelsCommand } from './models-command.js';
import { runsCommand } from './runs-command.js';
import { serveCommand, startCommand, workerCommand } from './start-command.js';
import { CliError, VERSION } from './shared.js';

export function buildProgram(): Command {
  return new Command('sdp')
    .description(
      'Student Depression Project: an anonymous student mental-health survey and the\n' +
        'screening model behind it, from raw data to monitored production.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(startCommand)
    .addCommand(serveCommand)
    .addCommand(workerCommand)
    .addCommand(migrateCommand)
    .addCommand(ingestCommand)
    .addCommand(validateCommand)
    .addCommand(datasetsCommand)
    .addCommand(runsCommand)
    .addCommand(modelsCommand)
    .addCommand(synthCommand)
    .addCommand(trainCommand)
    .addCommand(evaluateCommand)
    .addCommand(predictCommand)
    .addCommand(configCommand);
}

/** Runs the program; known errors become one message on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or help/version) already.
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof ConfigError || error instanceof CliError) {
      process.stderr.write(`sdp: ${error.message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 2;
      return;
    }
    if (
      error instanceof IngestError ||
      error instanceof CsvFormatError ||
      error instanceof TrackingError
    ) {
      process.stderr.write(`sdp: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
