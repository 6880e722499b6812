import { openDatabase } from '../platform/db/database.js';
import { migrateDown, migrateToLatest } from '../platform/db/migrate.js';
import { CliError, configurableCommand, loadCliConfig, printJson } from './shared.js';

export const migrateCommand = configurableCommand(
  'migrate',
  'Apply pending database migrations (or revert the newest with --down)',
)
  .option('--down', 'revert the newest migration instead')
  .option('--json', 'print the result as JSON')
  .action(async (overrides: string[], options: { down?: boolean; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const database = await openDatabase(config);
    try {
      const result = options.down
        ? await migrateDown(database.db)
        : await migrateToLatest(database.db);
      if (options.json) return printJson({ database: database.kind, ...result });
      const verb = options.down ? 'reverted' : 'applied';
      console.log(
        result.applied.length
          ? `${verb} ${result.applied.join(', ')} on ${database.kind} (${database.location})`
          : `nothing to migrate on ${database.kind} (${database.location}); at ${result.current ?? 'no migration'}`,
      );
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    } finally {
      await database.close();
    }
  });
