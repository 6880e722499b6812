import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { isDomainError } from '../errors.js';
import { recordableConfig } from './config.js';
import type { QueueRuntime, Runtime } from './runtime.js';

/** Size and seed of the synthetic dataset a fresh installation starts with. */
const FIRST_SYNTHETIC = { rows: 5000, seed: 20240501 };

/**
 * A fresh installation has no data: it starts with synthetic respondents (marked synthetic,
 * generated from the shipped parameters) so that the system works end to end at once, and
 * says so. Ingesting the real Kaggle file later makes that the default dataset.
 */
export async function ensureSomeData(runtime: Runtime): Promise<void> {
  const { datasets } = runtime;
  const all = await datasets.list();
  const real = all.find((dataset) => !dataset.synthetic);
  if (real) {
    runtime.log.info(
      { 'dataset.id': real.id },
      `using dataset ${real.id} "${real.name}" (${real.rows} rows)`,
    );
    return;
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
