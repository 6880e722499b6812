import { Command } from 'commander';
import type { Config } from '../app/config.js';
import { DomainError } from '../errors.js';
import { formatDuration, parseDuration } from '../serving/duration.js';
import type { RolloutService, RolloutStatusReport } from '../serving/rollout-service.js';
import { aliasHistoryTable, currentUser, formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

function withRollouts<T>(config: Config, work: (rollouts: RolloutService) => Promise<T>) {
  return withRuntime(config, ({ rollouts }) => work(rollouts));
}

const modelOption = (command: Command) =>
  command.option('--model <name>', 'registered model (default: serving.model from config)');

function printStatus(report: RolloutStatusReport): void {
  const { rollout } = report;
  if (!rollout) {
    console.log(`No rollouts yet. Aliases: ${aliasText(report.aliases)}`);
    return;
  }
  const weight =
    rollout.mode === 'canary'
      ? `step ${rollout.stepIndex + 1}/${rollout.steps.length} at ${rollout.steps[rollout.stepIndex]}% (steps ${rollout.steps.join(',')})`
      : `shadow, sample ${rollout.sampleRate}`;
  console.log(
    `rollout ${rollout.id} of ${rollout.model}: version ${rollout.challengerVersion} vs champion ${rollout.championVersion}\n` +
      `status ${rollout.status}${rollout.statusReason ? ` — ${rollout.statusReason}` : ''}\n` +
      `${weight}; interval ${formatDuration(rollout.intervalMs)}; started ${formatTime(rollout.startedAt)} by ${rollout.createdBy}\n` +
      `this step: ${
        Object.entries(report.stepCounts)
          .map(([route, n]) => `${route} ${n}`)
          .join(', ') || 'no predictions yet'
      }\n` +
      `aliases: ${aliasText(report.aliases)}\n`,
  );
  if (report.analyses.length > 0) {
    console.log(
      formatTable(
        ['AT', 'STEP', 'WEIGHT', 'OUTCOME', 'REASONS'],
        report.analyses.map((a) => [
          formatTime(a.at),
          a.stepIndex + 1,
          a.weight,
          a.outcome,
          a.reasons.join('; '),
        ]),
      ),
    );
    console.log();
  }
  console.log(aliasHistoryTable(report.aliasHistory));
}

const aliasText = (aliases: Record<string, number>) =>
  Object.entries(aliases)
    .map(([alias, version]) => `${alias}→${version}`)
    .join(' ') || 'none';

const start = modelOption(
  configurableCommand('start', 'Start a canary or shadow rollout of a challenger version'),
)
  .requiredOption('--challenger <version>', 'the version to roll out', (v) =>
    Number.parseInt(v, 10),
  )
  .option(
    '--mode <mode>',
    'canary (a share of traffic) or shadow (scores copies, answers nothing)',
    'canary',
  )
  .option('--steps <weights>', 'canary weights in percent, e.g. 10,25,50,100 (default from config)')
  .option(
    '--interval <duration>',
    'time per step before it is judged, e.g. 10m (default from config)',
  )
  .option(
    '--sample <rate>',
    'shadow: share of requests the challenger scores too (0–1]',
    Number.parseFloat,
  )
  .option('--json', 'print JSON')
  .action(
    async (
      overrides: string[],
      options: {
        model?: string;
        challenger: number;
        mode: string;
        steps?: string;
        interval?: string;
        sample?: number;
        json?: boolean;
      },
    ) => {
      const { config } = loadCliConfig(overrides);
      if (options.mode !== 'canary' && options.mode !== 'shadow')
        throw DomainError.invalid('--mode must be canary or shadow');
      if (!Number.isInteger(options.challenger) || options.challenger < 1)
        throw DomainError.invalid('--challenger must be a version number');
      const intervalMs = options.interval ? parseDuration(options.interval) : undefined;
      const rollout = await withRollouts(config, (rollouts) =>
        rollouts.start({
          model: options.model ?? config.serving.model,
          challengerVersion: options.challenger,
          mode: options.mode as 'canary' | 'shadow',
          steps: options.steps?.split(',').map((w) => Number(w.trim())),
          intervalMs,
          sampleRate: options.sample,
          actor: currentUser(),
        }),
      );
      if (options.json) return printJson(rollout);
      console.log(
        `started ${rollout.mode} rollout ${rollout.id}: ${rollout.model} version ${rollout.challengerVersion} vs champion ${rollout.championVersion}` +
          (rollout.mode === 'canary'
            ? `, steps ${rollout.steps.join(',')}%`
            : `, sample ${rollout.sampleRate}`) +
          `, each judged after ${formatDuration(rollout.intervalMs)}`,
      );
    },
  );

const status = modelOption(
  configurableCommand(
    'status',
    'Show the current (or last) rollout, its analyses and alias history',
  ),
)
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { model?: string; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const report = await withRollouts(config, (rollouts) =>
      rollouts.status(options.model ?? config.serving.model),
    );
    if (options.json) return printJson(report);
    printStatus(report);
  });

function decisionCommand(
  name: 'promote' | 'abort' | 'rollback' | 'analyze' | 'resume',
  description: string,
  run: (rollouts: RolloutService, model: string, reason: string | undefined) => Promise<unknown>,
): Command {
  return modelOption(configurableCommand(name, description))
    .option('--reason <text>', 'why (goes to the audit log)')
    .option('--json', 'print JSON')
    .action(
      async (overrides: string[], options: { model?: string; reason?: string; json?: boolean }) => {
        const { config } = loadCliConfig(overrides);
        const model = options.model ?? config.serving.model;
        const result = await withRollouts(config, (rollouts) =>
          run(rollouts, model, options.reason),
        );
        if (options.json) return printJson(result);
        const report = await withRollouts(config, (rollouts) => rollouts.status(model));
        printStatus(report);
      },
    );
}

export const rolloutCommand = new Command('rollout')
  .description(
    'Canary and shadow rollouts of a challenger version, judged automatically step by step',
  )
  .addCommand(start)
  .addCommand(status)
  .addCommand(
    decisionCommand(
      'promote',
      'Promote the challenger now (champion → challenger, old champion kept as previous)',
      (r, model, reason) => r.promote(model, currentUser(), reason),
    ),
  )
  .addCommand(
    decisionCommand('abort', 'End the open rollout; the champion stays', (r, model, reason) =>
      r.abort(model, currentUser(), reason),
    ),
  )
  .addCommand(
    decisionCommand(
      'rollback',
      'Roll back: end the open rollout, or move champion back to the previous version',
      (r, model, reason) => r.rollback(model, currentUser(), reason),
    ),
  )
  .addCommand(
    decisionCommand(
      'analyze',
      "Judge the open rollout's current step now, without waiting for its interval",
      (r, model) => r.analyze(model),
    ),
  )
  .addCommand(
    decisionCommand('resume', 'Resume a paused rollout at its current step', (r, model) =>
      r.resume(model, currentUser()),
    ),
  );
