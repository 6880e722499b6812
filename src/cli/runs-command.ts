import { Command, Option } from 'commander';
import type { RunRecord } from '../tracking/run-repository.js';
import { RUN_STATUSES } from '../tracking/run-status.js';
import type { RunStatus } from '../tracking/tables.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';
import { formatTime, formatValue } from './format.js';

function duration(run: RunRecord): string {
  if (!run.endedAt) return '';
  const seconds = (run.endedAt.getTime() - run.startedAt.getTime()) / 1000;
  return seconds < 60
    ? `${seconds.toFixed(1)}s`
    : `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}

const list = configurableCommand('list', 'List runs, newest first')
  .option('--experiment <name>', 'only runs of this experiment')
  .addOption(
    new Option('--status <status>', 'only runs in this status').choices(RUN_STATUSES as string[]),
  )
  .option('--limit <n>', 'at most this many runs', (value) => Number.parseInt(value, 10), 50)
  .option('--json', 'print JSON')
  .action(
    async (
      overrides: string[],
      options: { experiment?: string; status?: RunStatus; limit: number; json?: boolean },
    ) => {
      const { config } = loadCliConfig(overrides);
      const runs = await withRuntime(config, ({ tracking }) =>
        tracking.listRuns({
          experiment: options.experiment,
          status: options.status,
          limit: options.limit,
        }),
      );
      if (options.json) return printJson(runs);
      if (runs.length === 0) return console.log('No runs yet.');
      console.log(
        formatTable(
          ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'PARENT'],
          runs.map((run) => [
            run.id,
            run.experiment,
            run.name,
            run.status,
            formatTime(run.startedAt),
            duration(run),
            run.parentRunId ?? '',
          ]),
        ),
      );
    },
  );

const show = configurableCommand(
  'show',
  'Show a run: params, metrics, series summary and artifacts',
  ['<runId>', 'run id (see `sdp runs list`)'],
)
  .option('--series', 'with --json: include every metric point')
  .option('--json', 'print JSON')
  .action(
    async (runId: string, overrides: string[], options: { series?: boolean; json?: boolean }) => {
      const { config } = loadCliConfig(overrides);
      const run = await withRuntime(config, ({ tracking }) =>
        tracking.getRun(runId, { series: options.series }),
      );
      if (options.json) return printJson(run);
      console.log(
        formatTable(
          ['FIELD', 'VALUE'],
          [
            ['id', run.id],
            ['experiment', run.experiment],
            ['name', run.name],
            ['status', run.status],
            ['started', formatTime(run.startedAt)],
            ['ended', formatTime(run.endedAt)],
            ['duration', duration(run)],
            [
              'dataset',
              [run.datasetId, run.datasetHash && `(${run.datasetHash.slice(0, 12)})`]
                .filter(Boolean)
                .join(' '),
            ],
            ['seed', run.seed],
            ['code version', run.codeVersion],
            ['parent run', run.parentRunId],
            [
              'tags',
              Object.entries(run.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
            ],
            ['error', run.error],
          ],
        ),
      );
      const params = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
      if (params.length)
        console.log(
          `\nParams:\n${formatTable(
            ['PARAM', 'VALUE'],
            params.map(([k, v]) => [k, formatValue(v)]),
          )}`,
        );
      if (run.metrics.length) {
        console.log(
          `\nMetrics (latest value; series range):\n${formatTable(
            ['METRIC', 'LATEST', 'STEP', 'POINTS', 'MIN', 'MAX'],
            run.metrics.map((m) => [
              m.key,
              formatValue(m.value),
              m.step,
              m.points,
              formatValue(m.min),
              formatValue(m.max),
            ]),
          )}`,
        );
      }
      if (run.artifacts.length) {
        console.log(
          `\nArtifacts:\n${formatTable(
            ['PATH', 'SIZE', 'SHA256', 'TYPE'],
            run.artifacts.map((a) => [a.path, a.size, a.sha256.slice(0, 12), a.contentType]),
          )}`,
        );
      }
    },
  );

// Run ids never contain "=", so trailing `key=value` words are configuration overrides: the
// run list and the overrides can then both be variadic.
const compare = new Command('compare')
  .description('Compare runs side by side: params and latest metrics, differences marked with *')
  .argument('<runs...>', 'two or more run ids, then optional config overrides (key=value)')
  .option('--json', 'print JSON')
  .action(async (words: string[], options: { json?: boolean }) => {
    const ids = words.filter((word) => !word.includes('='));
    const { config } = loadCliConfig(words.filter((word) => word.includes('=')));
    const comparison = await withRuntime(config, ({ tracking }) => tracking.compareRuns(ids));
    if (options.json) return printJson(comparison);
    const headers = ['', ...comparison.runs.map((run) => `${run.name} (${run.id.slice(0, 8)})`)];
    const row = (key: string, values: unknown[], differs: boolean) => [
      `${differs ? '* ' : '  '}${key}`,
      ...values.map(formatValue),
    ];
    console.log(
      formatTable(headers, [
        ['  experiment', ...comparison.runs.map((run) => run.experiment)],
        ['  status', ...comparison.runs.map((run) => run.status)],
        ...comparison.params.map((p) => row(`param ${p.key}`, p.values, p.differs)),
        ...comparison.metrics.map((m) => row(`metric ${m.key}`, m.values, m.differs)),
      ]),
    );
  });

export const runsCommand = new Command('runs')
  .description('Inspect tracked runs: params, metric series, artifacts')
  .addCommand(list)
  .addCommand(show)
  .addCommand(compare);
