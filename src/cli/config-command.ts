import { Command } from 'commander';
import { stringify } from 'yaml';
import { configurableCommand, loadCliConfig, printJson } from './shared.js';

const show = configurableCommand('show', 'Print the resolved configuration')
  .option('--json', 'print JSON instead of YAML')
  .addHelpText(
    'after',
    `
Composition order (later wins): config/base.yaml, the chosen option of each group
(config/<group>/<option>.yaml, e.g. env=production), SDP_<SECTION>__<KEY> environment
variables (SDP_SERVER__PORT=9090), then the overrides given here. \${env:NAME,default}
in YAML reads an environment variable.

Examples:
  sdp config show
  sdp config show env=production server.port=9090
  sdp config show --json log.level=debug`,
  )
  .action((overrides: string[], options: { json?: boolean }) => {
    const { config, groups } = loadCliConfig(overrides);
    if (options.json) printJson({ groups, config });
    else process.stdout.write(`# groups: ${JSON.stringify(groups)}\n${stringify(config)}`);
  });

export const configCommand = new Command('config')
  .description('Inspect the layered configuration')
  .addCommand(show);
