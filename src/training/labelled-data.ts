import { existsSync } from 'node:fs';
import type { DatasetRepository } from '../data/dataset-repository.js';
import { IngestError } from '../data/ingest.js';
import { loadKaggleCsvFile } from '../data/kaggle-csv.js';
import type { LabelledRespondent } from '../data/record.js';

export interface LabelledData {
  /** The dataset id, or the file path. */
  source: string;
  records: LabelledRespondent[];
  /** Source ids in record order (for output files). */
  ids: string[];
  /** Rows of a file that were not valid records, with their reasons. */
  rejected: { line: number; reason: string }[];
}

/**
 * Labelled records to score: a CSV file is read as it is (nothing is stored — evaluating on
 * a file must not create a dataset), a dataset id or name is read from the database.
 */
export async function readLabelledData(
  datasets: DatasetRepository,
  ref: string,
): Promise<LabelledData> {
  if (existsSync(ref)) {
    const loaded = await loadKaggleCsvFile(ref);
    return { source: ref, records: loaded.records, ids: loaded.ids, rejected: loaded.rejected };
  }
  const dataset = await datasets.resolve(ref);
  if (!dataset) throw new IngestError(`No dataset with id or name "${ref}", and no such file.`);
  const data: LabelledData = { source: dataset.id, records: [], ids: [], rejected: [] };
  for await (const row of datasets.rows(dataset.id)) {
    data.records.push(row.record);
    data.ids.push(row.sourceId ?? String(row.position + 1));
  }
  return data;
}
