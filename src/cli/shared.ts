import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';

/** The package version, shown by `sdp --version`, in the OpenAPI document and recorded with runs. */
export const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** An error meant for the person at the terminal: printed as one message, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A command that takes Hydra-style configuration overrides (`env=production`,
 * `server.port=9090`) as its trailing arguments.
 */
export function configurableCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('[overrides...]', 'config overrides: group=option or dotted.key=value')
    .addHelpText(
      'after',
      '\nOverrides compose the configuration in config/, e.g. `env=production server.port=9090`;\n' +
        'see `sdp config show --help`.',
    );
}

export function loadCliConfig(overrides: readonly string[]): LoadedConfig {
  return loadConfig({ overrides });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
