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
export type ReviewReason = 'too-many-unanswered';

export type RecordMapping =
  { ok: true; record: Respondent } | { ok: false; reason: ReviewReason; fields: FeatureName[] };

/** Share of optional factor items left unanswered (0–1). */
export function unansweredShare(answers: Answers): number {
  const unanswered = OPTIONAL_FACTOR_ITEMS.filter((item) => isUnanswered(answers[item.id])).length;
  return unanswered / OPTIONAL_FACTOR_ITEMS.length;
}

/**
 * The record for validated answers, or why there is none.
 *
 * A skipped optional item, and "another gender" (the dataset knows only Male/Female), become
 * missing values (null), which training imputes: no value is ever invented for a respondent,
 * and no response is lost to retraining for one skipped item. Only more than
 * `maxUnansweredShare` of the optional items unanswered sends a response to manual review
 * (default 1: never). Every optional item's record field accepts null (questionnaire.test.ts).
 */
export function toRecord(answers: Answers, maxUnansweredShare: number): RecordMapping {
  if (unansweredShare(answers) > maxUnansweredShare) {
    const fields = OPTIONAL_FACTOR_ITEMS.filter((item) => isUnanswered(answers[item.id])).map(
      (item) => item.field!,
    );
    return { ok: false, reason: 'too-many-unanswered', fields };
  }
  const record: Partial<Record<FeatureName, string | number | null>> = {};
  for (const item of ITEMS) {
    if (!item.field) continue;
    const answer = answers[item.id];
    if (!isAsked(item, answers)) record[item.field] = item.whenHidden ?? null;
    else if (isUnanswered(answer)) record[item.field] = null;
    else if (item.kind === 'choice') record[item.field] = item.toRecord[answer as string] ?? null;
    else record[item.field] = answer as number;
  }
  // The questionnaire's ranges sit inside the record's limits; parsing proves it per response.
  return { ok: true, record: respondentSchema.parse(record) };
}
