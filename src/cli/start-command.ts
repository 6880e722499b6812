import type { Command } from 'commander';
import {
  ensureAdminCredentials,
  ensureChampion,
  ensureSomeData,
  whenChampionReady,
} from '../app/bootstrap.js';
import { createApp } from '../app/http-app.js';
import { startWorker } from '../app/jobs.js';
import type { Config, Role } from '../app/config.js';
import { openRuntime, type QueueRuntime } from '../app/runtime.js';
import { createLogger } from '../platform/log/logger.js';
import { configurableCommand, loadCliConfig, VERSION } from './shared.js';

/**
 * Runs sdp as a long-lived process. `start` runs the role from configuration (all-in-one by
 * default); `serve` and `worker` force the API or the worker role, for distributed mode.
 */
function roleCommand(name: string, description: string, forcedRole?: Role): Command {
  return configurableCommand(name, description).action(async (overrides: string[]) => {
    const { config, groups } = loadCliConfig(
      forcedRole ? [...overrides, `role=${forcedRole}`] : overrides,
    );
    await run(config, groups);
  });
}

async function run(config: Config, groups: Record<string, string>): Promise<void> {
  const log = createLogger(config.log);
  // A long-lived process outlives a bug that forgets to await a promise: say so loudly, keep
  // serving. (Uncaught exceptions still end the process: its state is unknown then.)
  process.on('unhandledRejection', (reason) =>
    log.error({ err: reason }, 'unhandled promise rejection (a bug); sdp keeps running'),
  );
  // Listen for signals before anything announces readiness: a supervisor may send SIGTERM
  // the moment it sees the URL, and without a handler the default action kills the process.
  const signalled = shutdownSignal();
  const stopping = new AbortController();
  // Embedded: CLI commands on the same data dir go through this process while it runs.
  const runtime = await openRuntime(config, { log, groups, queue: true, shareDatabase: true });
  const data = config.role === 'all' ? await ensureSomeData(runtime) : undefined;
  const firstAdminToken =
    config.role === 'worker' ? undefined : await ensureAdminCredentials(runtime);
  const app = config.role === 'worker' ? undefined : await createApp(runtime, VERSION);
  if (config.role !== 'api') await startWorker(runtime);
  if (config.role === 'all') await ensureChampion(runtime);
  // Every long-lived process may fire schedules; the lease makes exactly one the leader.
  if (config.pipelines.scheduler.enabled)
    runtime.scheduler.start(config.pipelines.scheduler.tickMs);

  if (app) {
    await app.listen({ host: config.server.host, port: config.server.port });
    const port = (app.server.address() as { port: number }).port;
    const shown =
      config.server.host === '0.0.0.0' || config.server.host === '::'
        ? 'localhost'
        : config.server.host;
    log.info({ 'server.port': port }, `listening on ${config.server.host}:${port}`);
    const base = `http://${shown}:${port}`;
    process.stdout.write(
      `sdp is running at ${base} (role ${config.role})\n` +
        `  survey    ${base}/survey\n` +
        `  API docs  ${base}/docs\n` +
        `  log in    ${base}/login (queue board: ${base}/admin/queues)\n` +
        `  metrics   ${base}/metrics\n` +
        (data
          ? `  data      ${data.synthetic ? 'synthetic, ' : ''}dataset ${data.id} "${data.name}" (${data.rows.toLocaleString('en')} rows)\n`
          : '') +
        (firstAdminToken
          ? `\nAn admin API token was made for this first start. It is shown only now; keep it safe:\n` +
            `  ${firstAdminToken}\n` +
            `Paste it at ${base}/login, or send it as "Authorization: Bearer <token>".\n` +
            'Then make your own: `sdp users add NAME --role admin`, `sdp tokens create --name NAME --role predict`.\n'
          : ''),
    );
    // Said when it is so: on a first start the champion is still being trained.
    void whenChampionReady(runtime, stopping.signal).then(
      (line) => (process.stdout.isTTY ? process.stdout.write(`${line}\n`) : log.info(line)),
      () => {},
    );
  } else {
    process.stdout.write(`sdp worker is running (queue ${runtime.queue.describe()})\n`);
  }
  await signalled;
  stopping.abort();
  await shutdown(runtime, app, log);
}

/**
 * Resolves on the first SIGTERM or SIGINT. The handler stays installed, so a second signal
 * during a slow shutdown ends the process at once instead of restoring the default action.
 */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(1);
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Graceful shutdown: stop accepting connections, let in-flight requests and jobs finish
 * within `server.shutdownTimeoutMs`, flush and close pools. Jobs cut off by the deadline are
 * not lost: the queue retries them on the next start.
 */
async function shutdown(
  runtime: QueueRuntime,
  app: Awaited<ReturnType<typeof createApp>> | undefined,
  log: QueueRuntime['log'],
) {
  const deadline = runtime.config.server.shutdownTimeoutMs;
  log.info('shutting down');
  const timer = setTimeout(() => {
    log.warn(`shutdown took longer than ${deadline} ms; exiting anyway`);
    process.exit(0);
  }, deadline + 500);
  timer.unref();
  try {
    await app?.close();
    await runtime.close();
    log.info('stopped');
  } catch (error) {
    log.error({ err: error }, 'error during shutdown');
    process.exitCode = 1;
  }
}

export const startCommand = roleCommand(
  'start',
  'Start sdp: survey, API, workers and dashboards in one process (embedded by default)',
);
export const serveCommand = roleCommand('serve', 'Run only the HTTP API (distributed mode)', 'api');
export const workerCommand = roleCommand(
  'worker',
  'Run only queue workers (distributed mode)',
  'worker',
);
