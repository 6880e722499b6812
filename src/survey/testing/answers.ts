import { randomUUID } from 'node:crypto';
import { QUESTIONNAIRE_VERSION, type AnswerValue } from '../questionnaire.js';
import { EXAMPLE_ANSWERS } from '../submission.js';

/** A complete, valid set of answers of a student; PHQ-9 total = `phq9.reduce(+)`. */
export function studentAnswers(
  overrides: Record<string, AnswerValue | undefined> = {},
  phq9: readonly number[] = [1, 1, 1, 1, 1, 1, 1, 0, 0],
): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue | undefined> = {
    ...EXAMPLE_ANSWERS,
    ...Object.fromEntries(phq9.map((score, index) => [`phq9_${index + 1}`, score])),
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(answers).filter(([, value]) => value !== undefined),
  ) as Record<string, AnswerValue>;
}

/** A valid request body around some answers, with a fresh submission id. */
export function submissionBody(
  answers: Record<string, unknown> = studentAnswers(),
  extra: Record<string, unknown> = {},
) {
  return {
    submissionId: randomUUID(),
    locale: 'en',
    questionnaireVersion: QUESTIONNAIRE_VERSION,
    consent: true,
    answers,
    ...extra,
  };
}
