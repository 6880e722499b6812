import { migrateDown, migrateToLatest } from '../platform/db/migrate.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';

export const migrateCommand = configurableCommand(
  'migrate',
  'Apply pending database migrations (or revert the newest with --down)',
)
  .option('--down', 'revert the newest migration instead')
  .option('--json', 'print the result as JSON')
  .action(async (overrides: string[], options: { down?: boolean; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const { database, result } = await withRuntime(
      config,
      async ({ database }) => ({
        database,
        result: options.down ? await migrateDown(database.db) : await migrateToLatest(database.db),
      }),
      { migrate: false },
    );
    if (options.json) return printJson({ database: database.kind, ...result });
    const verb = options.down ? 'reverted' : 'applied';
    console.log(
      result.applied.length
        ? `${verb} ${result.applied.join(', ')} on ${database.kind} (${database.location})`
        : `nothing to migrate on ${database.kind} (${database.location}); at ${result.current ?? 'no migration'}`,
    );
  });
