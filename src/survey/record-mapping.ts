/**
 * Maps validated answers to the model's respondent record, and decides whether the response
 * may become training data.
 */
import { respondentSchema, type FeatureName, type Respondent } from '../data/record.js';
import {
  ITEMS,
  OPTIONAL_FACTOR_ITEMS,
  isAsked,
  isUnanswered,
  type Answers,
} from './questionnaire.js';

/** Why a response is kept out of the training data and waits for manual review. */
export type ReviewReason = 'too-many-unanswered' | 'not-representable';

export type RecordMapping =
  { ok: true; record: Respondent } | { ok: false; reason: ReviewReason; fields: FeatureName[] };

/** Share of optional factor items left unanswered (0–1). */
export function unansweredShare(answers: Answers): number {
  const unanswered = OPTIONAL_FACTOR_ITEMS.filter((item) => isUnanswered(answers[item.id])).length;
  return unanswered / OPTIONAL_FACTOR_ITEMS.length;
}

/** Whether the record schema accepts a missing value for this field (today: financial stress only). */
function acceptsMissing(field: FeatureName): boolean {
  return respondentSchema.shape[field].safeParse(null).success;
}

/**
 * The record for validated answers, or why there is none.
 *
 * - More than `maxUnansweredShare` of the optional factor items unanswered: manual review.
 * - An answer the record cannot hold (unanswered where the record has no missing value, or
 *   "another gender", which the dataset's Male/Female cannot represent): manual review, so no
 *   value is ever invented for a respondent. When record.ts learns a missing value for a
 *   field, this follows automatically.
 */
export function toRecord(answers: Answers, maxUnansweredShare: number): RecordMapping {
  if (unansweredShare(answers) > maxUnansweredShare) {
    const fields = OPTIONAL_FACTOR_ITEMS.filter((item) => isUnanswered(answers[item.id])).map(
      (item) => item.field!,
    );
    return { ok: false, reason: 'too-many-unanswered', fields };
  }
  const record: Partial<Record<FeatureName, string | number | null>> = {};
  const unrepresentable: FeatureName[] = [];
  for (const item of ITEMS) {
    if (!item.field) continue;
    const answer = answers[item.id];
    let value: string | number | null;
    if (!isAsked(item, answers)) value = item.whenHidden ?? null;
    else if (isUnanswered(answer)) value = null;
    else if (item.kind === 'choice') value = item.toRecord[answer as string] ?? null;
    else value = answer as number;
    if (value === null && !acceptsMissing(item.field)) unrepresentable.push(item.field);
    record[item.field] = value;
  }
  if (unrepresentable.length)
    return { ok: false, reason: 'not-representable', fields: unrepresentable };
  // The questionnaire's ranges sit inside the record's limits; parsing proves it per response.
  return { ok: true, record: respondentSchema.parse(record) };
}
