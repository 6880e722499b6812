import type { DatasetRepository } from '../data/dataset-repository.js';
import { storeRecords, type StoreOptions, type StoreResult } from '../data/ingest.js';
import { DomainError } from '../errors.js';
import type { SurveyRepository } from './survey-repository.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a `--data` reference to survey responses: `survey` (all) or `survey:since=YYYY-MM-DD`.
 * Returns undefined for anything else; throws on a malformed survey reference.
 */
export function parseSurveyRef(ref: string): { since?: string } | undefined {
  if (ref === 'survey') return {};
  if (!ref.startsWith('survey:')) return undefined;
  const match = /^survey:since=(.+)$/.exec(ref);
  if (!match || !DAY.test(match[1]) || Number.isNaN(Date.parse(match[1])))
    throw DomainError.invalid(
      `"${ref}" is not a survey reference: use survey or survey:since=YYYY-MM-DD.`,
    );
  return { since: match[1] };
}

/**
 * Stores the training responses (since a day) as a dataset version, through the same path as
 * a Kaggle file: validation, one transaction, de-duplication by content. The label is the
 * PHQ-9 label. Inside the database, so no k-suppression (that applies to what leaves it).
 */
export async function storeSurveyDataset(
  repositories: { datasets: DatasetRepository; surveys: SurveyRepository },
  ref: { since?: string },
  options: StoreOptions,
): Promise<StoreResult> {
  // Read first: embedded PGlite has one connection, and the store below holds it for its
  // whole transaction.
  const responses = await repositories.surveys.trainingResponses(ref.since);
  return storeRecords(
    repositories.datasets,
    {
      name: 'survey',
      source: ref.since ? `survey:since=${ref.since}` : 'survey',
      synthetic: false,
      records: responses.map((response) => ({
        ...response.record,
        depression: response.phq9Label,
      })),
      ids: responses.map((response) => response.submissionId),
    },
    options,
  );
}
