import { Command, CommanderError } from 'commander';
import { errorMessage, isDomainError, type ErrorKind } from '../errors.js';
import { VERSION } from '../version.js';

type CommandLoader = () => Promise<Command | Command[]>;

/**
 * Every command, in help order, with the module that defines it. A module is imported only
 * when its command runs (`sdp config show` need not load the HTTP server, the queue and the
 * S3 client): that halves start-up time and memory for short commands. Help, --version and
 * unknown names load them all.
 */
const COMMANDS: [names: string[], load: CommandLoader][] = [
  [
    ['start', 'serve', 'worker'],
    async () => {
      const { startCommand, serveCommand, workerCommand } = await import('./start-command.js');
      return [startCommand, serveCommand, workerCommand];
    },
  ],
  [['migrate'], async () => (await import('./migrate-command.js')).migrateCommand],
  [['ingest'], async () => (await import('./ingest-command.js')).ingestCommand],
  [['validate'], async () => (await import('./validate-command.js')).validateCommand],
  [['datasets'], async () => (await import('./datasets-command.js')).datasetsCommand],
  [['synth'], async () => (await import('./synth-command.js')).synthCommand],
  [['train'], async () => (await import('./train-command.js')).trainCommand],
  [['tune'], async () => (await import('./tune-command.js')).tuneCommand],
  [['studies'], async () => (await import('./studies-command.js')).studiesCommand],
  [['evaluate'], async () => (await import('./evaluate-command.js')).evaluateCommand],
  [['predict'], async () => (await import('./predict-command.js')).predictCommand],
  [['test'], async () => (await import('./test-command.js')).testCommand],
  [['runs'], async () => (await import('./runs-command.js')).runsCommand],
  [['models'], async () => (await import('./models-command.js')).modelsCommand],
  [['rollout'], async () => (await import('./rollout-command.js')).rolloutCommand],
  [['pipelines'], async () => (await import('./pipelines-command.js')).pipelinesCommand],
  [['drift'], async () => (await import('./drift-command.js')).driftCommand],
  [['quality'], async () => (await import('./quality-command.js')).qualityCommand],
  [['survey'], async () => (await import('./survey-command.js')).surveyCommand],
  [['tokens'], async () => (await import('./tokens-command.js')).tokensCommand],
  [['users'], async () => (await import('./users-command.js')).usersCommand],
  [['audit'], async () => (await import('./audit-command.js')).auditCommand],
  [['config'], async () => (await import('./config-command.js')).configCommand],
];

/** The program with the command named on the command line (or every command). */
export async function buildProgram(commandName?: string): Promise<Command> {
  const program = new Command('sdp')
    .description(
      'Student Depression Project: an anonymous student mental-health survey and the\n' +
        'screening model behind it, from raw data to monitored production.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');
  const named = COMMANDS.filter(([names]) => commandName && names.includes(commandName));
  for (const [, load] of named.length ? named : COMMANDS) {
    for (const command of [await load()].flat()) program.addCommand(command);
  }
  return program;
}

/**
 * Exit codes by error kind (the CLI's side of src/errors.ts): 2 for input that is wrong as
 * given (arguments, configuration, files), 75 (EX_TEMPFAIL) for what may pass when tried
 * again later, 1 for anything else.
 */
export function exitCodeOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return 2;
    case 'unavailable':
    case 'rate_limited':
      return 75;
    case 'not_found':
    case 'conflict':
    case 'unauthenticated':
    case 'forbidden':
      return 1;
  }
}

/** Runs the program; every error becomes one message on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    const program = (await buildProgram(argv[2])).exitOverride();
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or help/version) already.
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`sdp: ${describeError(error)}\n`);
    process.exitCode = isDomainError(error) ? exitCodeOf(error.kind) : 1;
  }
}

/** The message, then each detail on a line of its own (e.g. every configuration problem). */
function describeError(error: unknown): string {
  if (!isDomainError(error) || error.details.length === 0) return errorMessage(error);
  return [
    `${error.message}:`,
    ...error.details.map((detail) => `  - ${detail.field}: ${detail.message}`),
  ].join('\n');
}
