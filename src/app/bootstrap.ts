import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatasetVersion } from '../data/dataset-repository.js';
import { DomainError, isDomainError } from '../errors.js';
import { recordableConfig } from './config.js';
import type { QueueRuntime, Runtime } from './runtime.js';

/** Size and seed of the synthetic dataset a fresh installation starts with. */
const FIRST_SYNTHETIC = { rows: 5000, seed: 20240501 };

/**
 * A fresh installation has no data: it starts with synthetic respondents (marked synthetic,
 * generated from the shipped parameters) so that the system works end to end at once, and
 * says so. Ingesting the real Kaggle file later makes that the default dataset.
 */
export async function ensureSomeData(runtime: Runtime): Promise<DatasetVersion> {
  const { datasets } = runtime;
  const all = await datasets.list();
  const real = all.find((dataset) => !dataset.synthetic);
  if (real) {
    runtime.log.info(
      { 'dataset.id': real.id },
      `using dataset ${real.id} "${real.name}" (${real.rows} rows)`,
    );
    return real;
  }
  let synthetic = all[0];
  if (!synthetic) {
    const { datasetId } = await storeSyntheticDataset(datasets, {
      ...FIRST_SYNTHETIC,
      settings: runtime.config.data,
      config: recordableConfig(runtime.config),
    });
    synthetic = (await datasets.resolve(datasetId))!;
  }
  runtime.log.warn(
    { 'dataset.id': synthetic.id, 'dataset.synthetic': true },
    `no real dataset ingested yet: using SYNTHETIC data (dataset ${synthetic.id}, ${synthetic.rows} rows); ` +
      'ingest the Kaggle file with `sdp ingest <file.csv>`',
  );
  return synthetic;
}

/**
 * Predictions need a champion: on a fresh installation one is trained in the background on
 * the best dataset there is, so the system can answer within a minute of its first start.
 * The job id makes this idempotent across restarts. Only a champion that does not exist
 * starts one; a registry that cannot be read is an error, not a reason to train.
 */
export async function ensureChampion(runtime: QueueRuntime): Promise<void> {
  const model = runtime.config.train.registeredModel;
  const champion = await runtime.registry
    .resolveVersion(`${model}@champion`)
    .catch((error: unknown) => {
      if (isDomainError(error, 'not_found')) return undefined;
      throw error;
    });
  if (champion) {
    runtime.log.info({ 'model.version': champion.version }, `serving ${champion.ref} as champion`);
    return;
  }
  const jobId = await runtime.queue.enqueue(
    { type: 'train', overrides: [`model=${runtime.config.model.name}`] },
    { jobId: `bootstrap-train-${model}` },
  );
  runtime.log.info(
    { 'job.id': jobId },
    `no ${model} champion yet: training one in the background (job ${jobId})`,
  );
}

/** How often `whenChampionReady` looks for the champion. */
const CHAMPION_POLL_MS = 1000;

/**
 * Resolves, once the served model has a champion, with a line saying so and what it was
 * trained on ("champion v1 ready, trained on 5,000 synthetic rows — …"): at once when there
 * is one, else when the bootstrap training registers it. Stops looking when `signal` aborts.
 */
export async function whenChampionReady(runtime: Runtime, signal: AbortSignal): Promise<string> {
  const model = runtime.config.serving.model;
  for (;;) {
    const champion = await runtime.registry
      .resolveVersion(`${model}@champion`)
      .catch(() => undefined);
    if (champion) {
      const dataset = champion.datasetId
        ? await runtime.datasets.resolve(champion.datasetId)
        : undefined;
      const rows = dataset
        ? `${dataset.rows.toLocaleString('en')} ${dataset.synthetic ? 'synthetic ' : ''}rows`
        : 'unknown data';
      return (
        `champion v${champion.version} ready, trained on ${rows}` +
        (dataset?.synthetic ? ' — run `sdp ingest <file.csv>` for real data' : '')
      );
    }
    await sleep(CHAMPION_POLL_MS, undefined, { signal });
  }
}

/** The actor of what sdp does by itself at start. */
const SYSTEM_ACTOR = 'sdp';

/** Where an admin token generated without a terminal is left for its owner (0600). */
export const FIRST_ADMIN_TOKEN_FILE = 'first-admin-token';

/**
 * Someone must be able to administer sdp. The token in `access.adminTokenFile` is registered
 * (a mounted secret); with no admin token or user at all, an embedded first start generates
 * one and shows it once — on the terminal, or without one in a 0600 file in the data dir,
 * never in a log line. Production (`access.generateAdminToken=false`) refuses to start.
 * Returns the generated token's secret when it printed one, for the start-up summary.
 */
export async function ensureAdminCredentials(runtime: Runtime): Promise<string | undefined> {
  const { access: settings, dataDir } = runtime.config;
  const { access, log } = runtime;
  if (settings.adminTokenFile) {
    let token: string;
    try {
      token = readFileSync(settings.adminTokenFile, 'utf8').trim();
    } catch (error) {
      throw DomainError.invalid(
        `access.adminTokenFile: cannot read ${settings.adminTokenFile} (${(error as Error).message}).`,
      );
    }
    if (!(await access.hasToken(token))) {
      await access
        .createToken({ name: 'admin-from-file', role: 'admin', token }, SYSTEM_ACTOR)
        .catch((error: unknown) => {
          throw isDomainError(error, 'invalid')
            ? DomainError.invalid(
                `access.adminTokenFile: ${settings.adminTokenFile}: ${error.message}`,
              )
            : error;
        });
      log.info(`registered the admin token of ${settings.adminTokenFile}`);
    }
    return undefined;
  }
  if (await access.hasAdmin()) return undefined;
  if (!settings.generateAdminToken) {
    throw DomainError.invalid(
      'No admin credentials are configured, and this configuration does not make any ' +
        '(access.generateAdminToken=false). Set access.adminTokenFile (SDP_ADMIN_TOKEN_FILE) to a ' +
        'file holding a token, or first run `sdp tokens create --name admin --role admin` or ' +
        '`sdp users add NAME --role admin` against this database.',
    );
  }
  const { token } = await access.createToken({ name: 'first-admin', role: 'admin' }, SYSTEM_ACTOR);
  if (process.stdout.isTTY) return token;
  const file = join(dataDir, FIRST_ADMIN_TOKEN_FILE);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log.warn(
    `no admin credentials existed: an admin token was generated and written to ${file} (readable by this user only); ` +
      'use it once to make your own (`sdp tokens create`, `sdp users add`), then delete the file',
  );
  return undefined;
}
