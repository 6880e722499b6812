import { Command } from 'commander';
import { formatTime, formatValue } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

const list = configurableCommand('list', 'Every state change by a person or token, newest first')
  .option('--actor <actor>', 'only this actor, e.g. user:ada or token:ci')
  .option('--action <action>', 'only this action or its family, e.g. alias or rollout.start')
  .option('--limit <n>', 'at most this many', (value) => Number.parseInt(value, 10), 100)
  .option('--json', 'print JSON')
  .action(
    async (
      overrides: string[],
      options: { actor?: string; action?: string; limit: number; json?: boolean },
    ) => {
      const { config } = loadCliConfig(overrides);
      const events = await withRuntime(config, ({ audit }) => audit.list(options));
      if (options.json) return printJson(events);
      if (events.length === 0) return console.log('Nothing audited yet.');
      console.log(
        formatTable(
          ['AT', 'ACTOR', 'ACTION', 'TARGET', 'REASON', 'DETAILS'],
          events.map((e) => [
            formatTime(e.at),
            e.actor,
            e.action,
            e.target,
            e.reason,
            e.details ? formatValue(e.details) : '',
          ]),
        ),
      );
    },
  );

/** `sdp audit`: the audit log. */
export const auditCommand = new Command('audit').description('The audit log').addCommand(list);
