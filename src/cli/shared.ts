import { Command } from 'commander';
import { loadConfig, type Config } from '../app/config.js';
import type { LoadedConfig } from '../config/load.js';
import type { QueueRuntime, Runtime, RuntimeOptions } from '../app/runtime.js';

export { VERSION } from '../version.js';

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

/** The configuration with the command line's overrides. */
export function loadCliConfig(overrides: readonly string[]): LoadedConfig<Config> {
  return loadConfig({ overrides });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

type CliRuntimeOptions = Omit<RuntimeOptions, 'log' | 'database'>;

/**
 * Opens the runtime (`openRuntime`, migrating the database), runs `work` with it and closes
 * it. A short command logs only warnings and errors: its output is what it prints.
 */
export function withRuntime<T>(
  config: Config,
  work: (runtime: QueueRuntime) => Promise<T>,
  options: CliRuntimeOptions & { queue: true },
): Promise<T>;
export function withRuntime<T>(
  config: Config,
  work: (runtime: Runtime) => Promise<T>,
  options?: CliRuntimeOptions,
): Promise<T>;
export async function withRuntime<T>(
  config: Config,
  work: (runtime: QueueRuntime) => Promise<T>,
  options: CliRuntimeOptions = {},
): Promise<T> {
  // Imported when a command runs: `sdp config show` and `--help` need none of it.
  const [{ openRuntime }, { createLogger }] = await Promise.all([
    import('../app/runtime.js'),
    import('../platform/log/logger.js'),
  ]);
  const level = config.log.level === 'info' ? 'warn' : config.log.level;
  const log = createLogger({ ...config.log, level });
  const runtime = (await openRuntime(config, { ...options, log })) as QueueRuntime;
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
