import type { ColumnType } from 'kysely';
import type { Json } from '../platform/db/columns.js';
import type { Respondent } from '../data/record.js';

/** Where a stored response goes: the training data, or a person's review first. */
export type ResponseState = 'training' | 'manual_review';

/**
 * One survey response. Deliberately absent: IP address, user agent, cookies, exact time,
 * free text. `submitted_on` is the UTC day only.
 */
export interface SurveyResponseTable {
  /** Client-generated UUID: a retried submit finds its own row (idempotency). */
  submission_id: string;
  /** The respondent's handle for deleting the response; random, unrelated to anything else. */
  receipt_code: string;
  /** sha256 of the canonical answers: a reused submission id with other answers is a conflict. */
  payload_hash: string;
  /** Written as `YYYY-MM-DD`, read back as text. */
  submitted_on: ColumnType<string, string, string>;
  questionnaire_version: string;
  locale: string;
  state: ResponseState;
  review_reason: string | null;
  answers: Json<Record<string, string | number | null>>;
  /** The model's record, when the answers map to one. */
  record: Json<Respondent | null>;
  phq9_total: number;
  phq9_label: number;
}

export interface SurveyTables {
  survey_response: SurveyResponseTable;
}
