import { Command, Option } from 'commander';
import { ROLES, type Role } from '../access/roles.js';
import { DomainError } from '../errors.js';
import { currentUser, formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

const create = configurableCommand('create', 'Create an API token (its secret is printed once)')
  .requiredOption('--name <name>', 'what the token is for, e.g. survey-frontend or prometheus')
  .addOption(
    new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory(),
  )
  .option('--expires-in-days <days>', 'expire after this many days (default: never)', Number)
  .option('--json', 'print JSON')
  .action(
    async (
      overrides: string[],
      options: { name: string; role: Role; expiresInDays?: number; json?: boolean },
    ) => {
      if (options.expiresInDays !== undefined && !Number.isFinite(options.expiresInDays))
        throw DomainError.invalid('--expires-in-days must be a number of days');
      const { config } = loadCliConfig(overrides);
      const { token, info } = await withRuntime(config, ({ access }) =>
        access.createToken(
          { name: options.name, role: options.role, expiresInDays: options.expiresInDays },
          currentUser(),
        ),
      );
      if (options.json) return printJson({ token, info });
      process.stdout.write(
        `Token ${info.id} "${info.name}" (${info.role}${info.expiresAt ? `, expires ${formatTime(info.expiresAt)}` : ''}).\n` +
          'Its secret is shown only now; keep it safe:\n' +
          `${token}\n`,
      );
    },
  );

const list = configurableCommand('list', 'List API tokens (never their secrets)')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const tokens = await withRuntime(config, ({ access }) => access.listTokens());
    if (options.json) return printJson(tokens);
    if (tokens.length === 0) return console.log('No tokens yet (`sdp tokens create`).');
    console.log(
      formatTable(
        ['ID', 'NAME', 'ROLE', 'CREATED', 'BY', 'EXPIRES', 'LAST USED', 'REVOKED'],
        tokens.map((t) => [
          t.id,
          t.name,
          t.role,
          formatTime(t.createdAt),
          t.createdBy,
          formatTime(t.expiresAt),
          formatTime(t.lastUsedAt),
          formatTime(t.revokedAt),
        ]),
      ),
    );
  });

const revoke = configurableCommand('revoke', 'Revoke tokens by id or name (and their sessions)', [
  '<token>',
  'token id or name (see `sdp tokens list`)',
])
  .option('--json', 'print JSON')
  .action(async (ref: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const revoked = await withRuntime(config, ({ access }) =>
      access.revokeToken(ref, currentUser()),
    );
    if (options.json) return printJson(revoked);
    for (const t of revoked) console.log(`Revoked ${t.id} "${t.name}" (${t.role}).`);
  });

/** `sdp tokens`: API tokens for machines and scripts (docs/security.md). */
export const tokensCommand = new Command('tokens')
  .description('API tokens: create (shown once), list, revoke')
  .addCommand(create)
  .addCommand(list)
  .addCommand(revoke);
