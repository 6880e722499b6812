import { Command } from 'commander';
import { DomainError } from '../errors.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';
import { aliasHistoryTable, currentUser, formatTime, formatValue } from './format.js';

function aliasList(aliases: Record<string, number>): string {
  return Object.entries(aliases)
    .map(([alias, version]) => `${alias}→${version}`)
    .join(' ');
}

const list = configurableCommand(
  'list',
  'List registered models with their version counts and aliases',
)
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const models = await withRuntime(config, ({ registry }) => registry.listModels());
    if (options.json) return printJson(models);
    if (models.length === 0) return console.log('No registered models yet.');
    console.log(
      formatTable(
        ['MODEL', 'VERSIONS', 'LATEST', 'ALIASES', 'CREATED'],
        models.map((m) => [
          m.name,
          m.versionCount,
          m.latestVersion,
          aliasList(m.aliases),
          formatTime(m.createdAt),
        ]),
      ),
    );
  });

const show = configurableCommand(
  'show',
  'Show a model: versions with metrics, aliases and alias history',
  ['<model>', 'registered model name'],
)
  .option('--json', 'print JSON')
  .action(async (name: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const { model, history } = await withRuntime(config, async ({ registry }) => ({
      model: await registry.getModel(name),
      history: await registry.aliasHistory(name),
    }));
    if (options.json) return printJson({ ...model, aliasHistory: history });
    console.log(
      `${model.name}: ${model.versionCount} version(s); aliases ${aliasList(model.aliases) || 'none'}\n`,
    );
    const metricKeys = [...new Set(model.versions.flatMap((v) => Object.keys(v.metrics)))].sort();
    console.log(
      formatTable(
        [
          'VERSION',
          'ALIASES',
          'RUN',
          'DATASET',
          'CREATED',
          ...metricKeys.map((k) => k.toUpperCase()),
        ],
        model.versions.map((v) => [
          v.version,
          v.aliases.join(' '),
          v.runId,
          v.datasetId,
          formatTime(v.createdAt),
          ...metricKeys.map((k) => formatValue(v.metrics[k])),
        ]),
      ),
    );
    if (history.length)
      console.log(`\nAlias history (newest first):\n${aliasHistoryTable(history)}`);
  });

const aliasSet = configurableCommand(
  'set',
  'Point an alias at a version (moving champion keeps the old one as previous); audited',
  ['<model>', 'registered model name'],
  ['<alias>', 'alias, e.g. champion or challenger'],
  ['<version>', 'version number'],
)
  .requiredOption('--reason <text>', 'why: recorded in the audit log')
  .option('--actor <name>', 'who: recorded in the audit log (default: your user name)')
  .option('--json', 'print JSON')
  .action(
    async (
      model: string,
      alias: string,
      versionText: string,
      overrides: string[],
      options: { reason: string; actor?: string; json?: boolean },
    ) => {
      if (!/^[1-9][0-9]*$/.test(versionText))
        throw DomainError.invalid(`Version must be a positive whole number, got "${versionText}"`);
      const { config } = loadCliConfig(overrides);
      const change = await withRuntime(config, ({ registry }) =>
        registry.setAlias(model, alias, Number(versionText), {
          actor: options.actor ?? currentUser(),
          reason: options.reason,
        }),
      );
      if (options.json) return printJson(change);
      if (!change.changed)
        return console.log(
          `${model}@${alias} already points at version ${change.toVersion}; nothing changed.`,
        );
      for (const event of change.events) {
        console.log(
          `${model}@${event.alias}: ${event.fromVersion ?? '(new)'} → ${event.toVersion}`,
        );
      }
    },
  );

const aliasHistory = configurableCommand(
  'history',
  'Show every alias change of a model, newest first',
  ['<model>', 'registered model name'],
)
  .option('--json', 'print JSON')
  .action(async (model: string, overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const events = await withRuntime(config, ({ registry }) => registry.aliasHistory(model));
    if (options.json) return printJson(events);
    console.log(events.length ? aliasHistoryTable(events) : `No alias changes for ${model}.`);
  });

export const modelsCommand = new Command('models')
  .description('The model registry: versions, aliases and their audit log')
  .addCommand(list)
  .addCommand(show)
  .addCommand(
    new Command('alias')
      .description('Move model aliases and read their history')
      .addCommand(aliasSet)
      .addCommand(aliasHistory),
  );
