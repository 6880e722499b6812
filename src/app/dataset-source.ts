import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { DatasetRepository, DatasetVersion } from '../data/dataset-repository.js';
import { IngestError, ingestCsvFile } from '../data/ingest.js';
import { parseSurveyRef, storeSurveyDataset } from '../survey/survey-dataset.js';

/**
 * Resolves what a `--data` option names: a dataset id, a dataset name (its newest version),
 * or a CSV path, which is ingested first (a no-op when already ingested), so every run is
 * recorded against a stored, hashed dataset version. `survey` or `survey:since=YYYY-MM-DD`
 * stores the survey's training responses as a version first (a no-op when unchanged).
 */
export async function resolveDataset(
  repository: DatasetRepository,
  ref: string,
  options: { settings: Config['data']; config: unknown },
): Promise<DatasetVersion> {
  const survey = parseSurveyRef(ref);
  if (survey) {
    const { datasetId } = await storeSurveyDataset(repository, survey, options);
    return (await repository.resolve(datasetId))!;
  }
  const stored = await repository.resolve(ref);
  if (stored) return stored;
  if (existsSync(ref)) {
    const { datasetId } = await ingestCsvFile(repository, ref, options);
    return (await repository.resolve(datasetId))!;
  }
  throw new IngestError(
    `No dataset with id or name "${ref}", and no such file (see \`sdp datasets list\`).`,
  );
}

/** The dataset to use when none is named: the newest real one, else the newest synthetic one. */
export async function defaultDataset(
  repository: DatasetRepository,
): Promise<DatasetVersion | undefined> {
  const all = await repository.list();
  return all.find((dataset) => !dataset.synthetic) ?? all[0];
}
