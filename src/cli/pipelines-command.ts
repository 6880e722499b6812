import { Command } from 'commander';
import type { QueueRuntime } from '../app/runtime.js';
import { DomainError } from '../errors.js';
import type { PipelineRun } from '../pipelines/pipeline-repository.js';
import type { RunDetails } from '../pipelines/pipeline-service.js';
import { currentUser, formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

/** Pipelines run as jobs, so every subcommand opens the queue (a running sdp takes the jobs). */
function withPipelines(overrides: string[], work: (runtime: QueueRuntime) => Promise<void>) {
  const { config } = loadCliConfig(overrides);
  return withRuntime(config, work, { queue: true });
}

const seconds = (ms: number | null) => (ms === null ? '' : `${(ms / 1000).toFixed(1)} s`);

function runsTable(runs: readonly PipelineRun[]): string {
  return formatTable(
    ['RUN', 'PIPELINE', 'KEY', 'TRIGGER', 'STATE', 'CREATED', 'SUMMARY'],
    runs.map((r) => [
      r.id,
      r.pipeline,
      r.run_key,
      r.trigger,
      r.state,
      formatTime(r.created_at),
      r.summary ?? '',
    ]),
  );
}

function printRun({ run, tasks }: RunDetails): void {
  console.log(
    `run ${run.id} of ${run.pipeline}: ${run.state} (${run.trigger}, key ${run.run_key}, by ${run.created_by})\n` +
      (run.interval_start
        ? `interval ${run.interval_start.toISOString()} … ${run.interval_end?.toISOString()}\n`
        : '') +
      `params ${JSON.stringify(run.params)}\n` +
      `started ${formatTime(run.started_at)}, finished ${formatTime(run.finished_at)}\n` +
      (run.summary ? `summary: ${run.summary}\n` : ''),
  );
  console.log(
    formatTable(
      ['TASK', 'AFTER', 'STATE', 'TRIES', 'DURATION', 'OUTPUT / ERROR'],
      tasks.map((t) => [
        t.task_id,
        t.dependsOn.join(',') || '-',
        t.state,
        `${t.attempts}/${t.max_attempts}`,
        seconds(t.duration_ms),
        t.error ?? (t.output ? JSON.stringify(t.output).slice(0, 120) : ''),
      ]),
    ),
  );
  for (const task of tasks.filter((t) => t.log.length > 0)) {
    console.log(`\n${task.task_id}:`);
    for (const line of task.log) console.log(`  ${line.at}  [try ${line.attempt}] ${line.message}`);
  }
}

/** `key=value` parameters; values that read as JSON (numbers, booleans) are taken as such. */
function parseParams(pairs: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw DomainError.invalid(`--param "${pair}" is not key=value`);
      const value = pair.slice(at + 1);
      try {
        return [pair.slice(0, at), JSON.parse(value) as unknown];
      } catch {
        return [pair.slice(0, at), value];
      }
    }),
  );
}

function parseDay(text: string, flag: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw DomainError.invalid(`${flag} "${text}" is not a date (YYYY-MM-DD or an ISO time)`);
  return date;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const pipelinesCommand = new Command('pipelines')
  .description('Pipelines (the Airflow counterpart): runs, schedules, triggers, retries, pauses')
  .addCommand(
    configurableCommand('list', 'List the pipelines with their schedule and state')
      .option('--json', 'print JSON')
      .action((overrides: string[], options: { json?: boolean }) =>
        withPipelines(overrides, async ({ pipelines, scheduler, config }) => {
          const rows = [];
          for (const definition of pipelines.list()) {
            const schedule = config.pipelines[definition.name as 'retrain']?.schedule;
            const [last] = await pipelines.runs({ pipeline: definition.name, limit: 1 });
            const paused = await pipelines.isPaused(definition.name);
            rows.push({
              name: definition.name,
              description: definition.description,
              schedule: schedule?.cron ? `${schedule.cron} (${schedule.timezone})` : 'by hand',
              paused,
              nextRun: paused ? null : scheduler.nextRun(definition.name),
              lastRun: last ? { id: last.id, state: last.state, created: last.created_at } : null,
            });
          }
          if (options.json) return printJson(rows);
          console.log(
            formatTable(
              ['PIPELINE', 'SCHEDULE', 'PAUSED', 'NEXT RUN', 'LAST RUN', 'DESCRIPTION'],
              rows.map((r) => [
                r.name,
                r.schedule,
                r.paused ? 'yes' : 'no',
                formatTime(r.nextRun),
                r.lastRun ? `${r.lastRun.id} ${r.lastRun.state}` : '-',
                r.description,
              ]),
            ),
          );
        }),
      ),
  )
  .addCommand(
    configurableCommand('show', 'Show a pipeline: its tasks, their order and policies', [
      '<name>',
      'pipeline name',
    ])
      .option('--json', 'print JSON')
      .action((name: string, overrides: string[], options: { json?: boolean }) =>
        withPipelines(overrides, async ({ pipelines }) => {
          const definition = pipelines.definition(name);
          const tasks = definition.tasks.map((t) => ({
            id: t.id,
            dependsOn: t.dependsOn,
            trigger: t.trigger,
            retries: t.retries,
            timeoutMs: t.timeoutMs,
            description: t.description,
          }));
          if (options.json) return printJson({ name, description: definition.description, tasks });
          console.log(`${name}: ${definition.description}\n`);
          console.log(
            formatTable(
              ['TASK', 'AFTER', 'TRIGGER', 'TRIES', 'TIMEOUT', 'WHAT'],
              tasks.map((t) => [
                t.id,
                t.dependsOn.join(',') || '-',
                t.trigger,
                t.retries.attempts,
                seconds(t.timeoutMs),
                t.description,
              ]),
            ),
          );
        }),
      ),
  )
  .addCommand(
    configurableCommand('runs', 'List pipeline runs, newest first, with their outcome', [
      '[name]',
      'pipeline name (default: all)',
    ])
      .option('--limit <n>', 'at most this many', '50')
      .option('--json', 'print JSON')
      .action(
        (
          name: string | undefined,
          overrides: string[],
          options: { limit: string; json?: boolean },
        ) =>
          // Without a name, the first override would take its place.
          withPipelines(
            name?.includes('=') ? [name, ...overrides] : overrides,
            async ({ pipelines }) => {
              const pipeline = name?.includes('=') ? undefined : name;
              const runs = await pipelines.runs({ pipeline, limit: Number(options.limit) });
              if (options.json) return printJson(runs);
              console.log(runs.length ? runsTable(runs) : 'No runs yet.');
            },
          ),
      ),
  )
  .addCommand(
    configurableCommand(
      'run-show',
      'Show a run: its tasks, their tries, outputs, errors and logs',
      ['<run>', 'run id'],
    )
      .option('--json', 'print JSON')
      .action((runId: string, overrides: string[], options: { json?: boolean }) =>
        withPipelines(overrides, async ({ pipelines }) => {
          const details = await pipelines.show(runId);
          if (options.json) return printJson(details);
          printRun(details);
        }),
      ),
  )
  .addCommand(
    configurableCommand(
      'trigger',
      'Start a run by hand (a running sdp or sdp worker runs its tasks)',
      ['<name>', 'pipeline name'],
    )
      .option('--param <key=value>', 'a run parameter (repeatable)', collect, [])
      .option('--key <key>', 'run key (a second trigger with the same key adds nothing)')
      .option('--json', 'print JSON')
      .action(
        (
          name: string,
          overrides: string[],
          options: { param: string[]; key?: string; json?: boolean },
        ) =>
          withPipelines(overrides, async ({ pipelines }) => {
            const { run, created } = await pipelines.trigger(name, {
              params: parseParams(options.param),
              trigger: 'manual',
              actor: currentUser(),
              runKey: options.key,
            });
            if (options.json) return printJson({ run, created });
            console.log(
              created
                ? `run ${run.id} of ${name} ${run.state}; follow it with \`sdp pipelines run-show ${run.id}\``
                : `run key ${run.run_key} was used already: run ${run.id} (${run.state}); nothing new`,
            );
          }),
      ),
  )
  .addCommand(
    configurableCommand(
      'retry',
      'Run the failed tasks of a run again (or --task T), with everything downstream',
      ['<run>', 'run id'],
    )
      .option('--task <task>', 'the task to run again, failed or not')
      .action((runId: string, overrides: string[], options: { task?: string }) =>
        withPipelines(overrides, async ({ pipelines }) => {
          const { run, tasks } = await pipelines.retry(runId, {
            task: options.task,
            actor: currentUser(),
          });
          const again = tasks.filter(
            (t) => t.state === 'pending' || t.state === 'queued' || t.state === 'running',
          );
          console.log(
            `run ${run.id} ${run.state} again: ${again.map((t) => t.task_id).join(', ')}`,
          );
        }),
      ),
  )
  .addCommand(
    configurableCommand('backfill', 'Run the scheduled intervals of a span that have no run yet', [
      '<name>',
      'pipeline name',
    ])
      .requiredOption('--from <date>', 'start (YYYY-MM-DD or ISO time)')
      .requiredOption('--to <date>', 'end (YYYY-MM-DD or ISO time)')
      .action((name: string, overrides: string[], options: { from: string; to: string }) =>
        withPipelines(overrides, async ({ scheduler }) => {
          const { created, existing } = await scheduler.backfill(
            name,
            parseDay(options.from, '--from'),
            parseDay(options.to, '--to'),
            currentUser(),
          );
          console.log(
            `${created.length} run(s) queued${created.length ? `: ${created.join(', ')}` : ''}; ` +
              `${existing.length} interval(s) had a run already`,
          );
        }),
      ),
  )
  .addCommand(
    configurableCommand('pause', 'Stop scheduling a pipeline and starting its queued runs', [
      '<name>',
      'pipeline name',
    ]).action((name: string, overrides: string[]) =>
      withPipelines(overrides, async ({ pipelines }) => {
        await pipelines.setPaused(name, true, currentUser());
        console.log(`${name} paused; a running run finishes, queued ones wait`);
      }),
    ),
  )
  .addCommand(
    configurableCommand('resume', 'Schedule a paused pipeline again', [
      '<name>',
      'pipeline name',
    ]).action((name: string, overrides: string[]) =>
      withPipelines(overrides, async ({ pipelines }) => {
        await pipelines.setPaused(name, false, currentUser());
        console.log(`${name} resumed`);
      }),
    ),
  );
