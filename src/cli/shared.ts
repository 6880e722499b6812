import { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { createServices, type Services } from '../app/services.js';
import { createBlobStore } from '../platform/blobs/create-blob-store.js';

export { VERSION } from '../version.js';

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
export function configurableCommand(
  name: string,
  description: string,
  ...positional: [name: string, description: string][]
): Command {
  const command = new Command(name).description(description);
  for (const [argument, about] of positional) command.argument(argument, about);
  return command
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

/**
 * Opens the configured database (applying pending migrations), runs `work`, and closes it,
 * for commands that need only the database.
 */
export async function withDatabase<T>(
  config: Config,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Like `withDatabase`, with the object store and the domain services built over both. */
export async function withServices<T>(
  config: Config,
  work: (services: Services, database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  return withDatabase(config, async (database) => {
    const blobs = createBlobStore(config);
    try {
      return await work(createServices(database.db, blobs), database);
    } finally {
      await blobs.close();
    }
  });
}
