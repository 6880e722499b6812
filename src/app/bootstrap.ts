import { DatasetRepository } from '../data/dataset-repository.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import type { Runtime } from './runtime.js';

/** Size and seed of the synthetic dataset a fresh installation starts with. */
const FIRST_SYNTHETIC = { rows: 5000, seed: 20240501 };

/**
 * A fresh installation has no data: it starts with synthetic respondents (marked synthetic,
 * generated from the shipped parameters) so that the system works end to end at once, and
 * says so. Ingesting the real Kaggle file later makes that the default dataset.
 */
export async function ensureSomeData(runtime: Runtime): Promise<void> {
  const repository = new DatasetRepository(runtime.database.db);
  const datasets = await repository.list();
  const real = datasets.find((dataset) => !dataset.synthetic);
  if (real) {
    runtime.log.info(
      { 'dataset.id': real.id },
      `using dataset ${real.id} "${real.name}" (${real.rows} rows)`,
    );
    return;
  }
  let synthetic = datasets[0];
  if (!synthetic) {
    const settings = { settings: runtime.config.data, config: runtime.config };
    const { datasetId } = await storeSyntheticDataset(repository, {
      ...FIRST_SYNTHETIC,
      ...settings,
    });
    synthetic = (await repository.resolve(datasetId))!;
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
 * The job id makes this idempotent across restarts.
 */
export async function ensureChampion(runtime: Runtime): Promise<void> {
  const model = runtime.config.train.registeredModel;
  const champion = await runtime.services.registry
    .resolveVersion(`${model}@champion`)
    .catch(() => undefined);
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
