import { isDerivedDataset } from '../pipelines/retrain/retrain-pipeline.js';
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { DatasetVersion } from '../data/dataset-repository.js';
import { ingestCsvFile } from '../data/ingest.js';
import { loadKaggleCsvFile } from '../data/kaggle-csv.js';
import type { LabelledRespondent } from '../data/record.js';
import { DomainError } from '../errors.js';
import { parseSurveyRef, storeSurveyDataset } from '../survey/survey-dataset.js';
import { recordableConfig } from './config.js';
import type { Runtime } from './runtime.js';

/** What resolving a dataset reference needs from the runtime. */
export type DatasetSources = Pick<Runtime, 'datasets' | 'surveys' | 'config'>;

/**
 * What a `--data` option or a job's `dataset` names, in this order: `survey` or
 * `survey:since=YYYY-MM-DD` (the survey's training responses), a stored dataset (its id, or a
 * name for its newest version), or a CSV file in a published format.
 */
type DatasetRef =
  | { kind: 'survey'; since?: string }
  | { kind: 'stored'; dataset: DatasetVersion }
  | { kind: 'file'; path: string };

/** Where a caller may read files from: anywhere its user can (the CLI), or one directory (jobs). */
export type FileAccess = 'any' | 'import-dir';

async function parseDatasetRef(
  sources: DatasetSources,
  ref: string,
  files: FileAccess,
): Promise<DatasetRef> {
  const survey = parseSurveyRef(ref);
  if (survey) return { kind: 'survey', ...survey };
  const dataset = await sources.datasets.resolve(ref);
  if (dataset) return { kind: 'stored', dataset };
  const path =
    files === 'any' ? (existsSync(ref) ? ref : undefined) : importFile(sources.config, ref);
  if (path) return { kind: 'file', path };
  throw DomainError.notFound(
    `No dataset with id or name "${ref}", and no such file${files === 'any' ? '' : ` in ${importDir(sources.config)}`} (see \`sdp datasets list\`).`,
  );
}

/** `data.importDir`, or `<dataDir>/import`: the only place jobs read files from. */
export const importDir = (config: DatasetSources['config']): string =>
  resolve(config.data.importDir || join(config.dataDir, 'import'));

/**
 * The real path of `file` (relative to the import directory, or absolute) when it is a file
 * inside the import directory — after following symbolic links, so a link cannot lead out —
 * else undefined, without saying whether it exists elsewhere.
 */
export function importFile(config: DatasetSources['config'], file: string): string | undefined {
  try {
    const dir = realpathSync(importDir(config));
    const path = realpathSync(resolve(dir, file));
    return path.startsWith(dir + sep) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The dataset version a reference names, so that every run is recorded against a stored,
 * hashed version: survey responses and CSV files are stored first (a no-op when the same
 * records were stored before). Used by `sdp train`, `sdp tune`, `sdp synth fit` and jobs.
 */
export async function resolveDataset(
  sources: DatasetSources,
  ref: string,
  files: FileAccess = 'any',
): Promise<DatasetVersion> {
  const parsed = await parseDatasetRef(sources, ref, files);
  if (parsed.kind === 'stored') return parsed.dataset;
  const options = { settings: sources.config.data, config: recordableConfig(sources.config) };
  const { datasetId } =
    parsed.kind === 'survey'
      ? await storeSurveyDataset(sources, parsed, options)
      : await ingestCsvFile(sources.datasets, parsed.path, options);
  return (await sources.datasets.resolve(datasetId))!;
}

/**
 * The dataset to use when none is named: the newest real one, else the newest synthetic one —
 * of the data as ingested or generated, not the survey exports and training sets pipelines make.
 */
export async function defaultDataset(
  sources: Pick<DatasetSources, 'datasets'>,
): Promise<DatasetVersion | undefined> {
  const all = (await sources.datasets.list()).filter((d) => !isDerivedDataset(d));
  return all.find((dataset) => !dataset.synthetic) ?? all[0];
}

export interface LabelledData {
  /** The dataset id, the file path or the survey reference. */
  source: string;
  records: LabelledRespondent[];
  /** Source ids in record order (for output files). */
  ids: string[];
  /** Rows of a file that were not valid records, with their reasons. */
  rejected: { line: number; reason: string }[];
}

/**
 * Labelled records to score (`sdp evaluate`, `sdp predict`), read as they are: scoring a file
 * or the survey's responses must not create a dataset version.
 */
export async function readLabelledData(
  sources: DatasetSources,
  ref: string,
): Promise<LabelledData> {
  const parsed = await parseDatasetRef(sources, ref, 'any');
  switch (parsed.kind) {
    case 'file': {
      const { records, ids, rejected } = await loadKaggleCsvFile(parsed.path);
      return { source: ref, records, ids, rejected };
    }
    case 'survey': {
      const responses = await sources.surveys.trainingResponses(parsed.since);
      return {
        source: ref,
        records: responses.map((r) => ({ ...r.record, depression: r.phq9Label })),
        ids: responses.map((r) => r.submissionId),
        rejected: [],
      };
    }
    case 'stored': {
      const data: LabelledData = { source: parsed.dataset.id, records: [], ids: [], rejected: [] };
      for await (const row of sources.datasets.rows(parsed.dataset.id)) {
        data.records.push(row.record);
        data.ids.push(row.sourceId ?? String(row.position + 1));
      }
      return data;
    }
  }
}
