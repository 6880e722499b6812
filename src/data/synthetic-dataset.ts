import type { DatasetRepository } from './dataset-repository.js';
import { storeDataset, type StoreOptions, type StoreResult } from './ingest.js';
import type { KaggleRow } from './kaggle-csv.js';
import type { LabelledRespondent } from './record.js';
import { generateSynthetic, type SynthParams } from './synth.js';

export interface SyntheticDatasetOptions extends StoreOptions {
  rows: number;
  seed: number;
  params?: SynthParams;
  name?: string;
}

/**
 * Generates synthetic records and stores them as a dataset version marked `synthetic`, through
 * the same path (validation, one transaction, de-duplication) as an ingested file.
 */
export function storeSyntheticDataset(
  repository: DatasetRepository,
  options: SyntheticDatasetOptions,
): Promise<StoreResult> {
  const { rows, seed } = options;
  return storeDataset(
    repository,
    {
      name: options.name ?? 'synthetic',
      source: `synthetic:rows=${rows},seed=${seed}${options.params ? ',params=custom' : ''}`,
      synthetic: true,
      fileSha256: null,
      rows: syntheticRows(generateSynthetic({ rows, seed, params: options.params })),
    },
    options,
  );
}

async function* syntheticRows(records: Iterable<LabelledRespondent>): AsyncIterable<KaggleRow> {
  let line = 1;
  for (const record of records) {
    line++;
    yield { ok: true, line, sourceId: String(line - 1), record };
  }
}
