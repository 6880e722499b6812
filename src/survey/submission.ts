/**
 * The survey submission: its zod schema (the API's body schema in the OpenAPI document) and
 * the one validation used by the web form, the API and the service, derived from the
 * questionnaire. Every issue carries an error code that the catalogues localize.
 * Browser-safe.
 */
import { z } from 'zod';
import { CATALOGUES, format, type ErrorCode } from './messages.js';
import {
  ITEMS,
  ITEM_BY_ID,
  LOCALES,
  QUESTIONNAIRE_VERSION,
  isAsked,
  isUnanswered,
  type AnswerValue,
  type Answers,
  type Item,
  type Locale,
} from './questionnaire.js';

/** An error code as the zod issue message: `error` functions below return codes, not prose. */
const code = (value: ErrorCode) => value;
const missingOr = (otherwise: ErrorCode) => (issue: { input?: unknown }) =>
  code(issue.input == null ? 'required' : otherwise);

const TWO_DECIMALS = (value: number) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6;

function answerSchema(item: Item): z.ZodType<AnswerValue> {
  switch (item.kind) {
    case 'choice':
      return z.enum(item.values as [string, ...string[]], { error: missingOr('choose') });
    case 'scale':
      return z
        .number({ error: missingOr('choose') })
        .int({ error: code('choose') })
        .min(item.min, { error: code('choose') })
        .max(item.max, { error: code('choose') });
    case 'number': {
      const base = z
        .number({ error: missingOr('range') })
        .min(item.min, { error: code('range') })
        .max(item.max, { error: code('range') });
      return item.step === 1
        ? base.int({ error: code('wholeNumber') })
        : base.refine(TWO_DECIMALS, { error: code('decimals') });
    }
  }
}

/**
 * Optional items and items behind skip logic may be absent or null; whether a skip-logic item
 * must be answered is checked against the other answers (see `validateSubmission`).
 */
export const answersSchema = z
  .strictObject(
    Object.fromEntries(
      ITEMS.map((item) => {
        const schema = answerSchema(item);
        return [item.id, item.optional || item.showIf ? schema.nullable().optional() : schema];
      }),
    ),
    { error: (issue) => code(issue.code === 'unrecognized_keys' ? 'unknownField' : 'body') },
  )
  .meta({
    description: 'Answers by item id; leave optional items out (or null) when not answered.',
  });

/** A complete student's answers: the documented example (tests start from it too). */
export const EXAMPLE_ANSWERS: Record<string, string | number> = {
  gender: 'female',
  age: 21,
  profession: 'Student',
  degree: 'BSc',
  city: 'Other',
  academic_pressure: 4,
  study_satisfaction: 2,
  cgpa: 7.5,
  work_study_hours: 8,
  sleep_duration: '5-6 hours',
  dietary_habits: 'Moderate',
  financial_stress: 3,
  family_history: 'No',
  suicidal_thoughts: 'No',
  ...Object.fromEntries([1, 1, 1, 1, 1, 1, 1, 0, 0].map((score, i) => [`phq9_${i + 1}`, score])),
};

export const submissionSchema = z
  .strictObject(
    {
      /** Made by the client once per filled-in survey; a retry sends the same id. */
      submissionId: z.uuid({ error: code('submissionId') }),
      locale: z.enum(LOCALES, { error: code('locale') }),
      questionnaireVersion: z.literal(QUESTIONNAIRE_VERSION, { error: code('version') }),
      consent: z.literal(true, { error: code('consent') }),
      answers: answersSchema,
    },
    { error: (issue) => code(issue.code === 'unrecognized_keys' ? 'unknownField' : 'body') },
  )
  .meta({
    id: 'SurveySubmission',
    examples: [
      {
        submissionId: '6f1c2a4e-8b1d-4c3a-9e2f-0a7b5c9d1e3f',
        locale: 'en',
        questionnaireVersion: QUESTIONNAIRE_VERSION,
        consent: true,
        answers: EXAMPLE_ANSWERS,
      },
    ],
  });

/** A valid submission: hidden items removed, unanswered items null. */
export interface Submission {
  submissionId: string;
  locale: Locale;
  questionnaireVersion: string;
  answers: Readonly<Record<string, AnswerValue>>;
}

/** One bad field: where, a stable code, and the localized message. */
export interface SubmissionFieldError {
  field: string;
  code: ErrorCode;
  message: string;
}

export type ValidationResult =
  { ok: true; submission: Submission } | { ok: false; errors: SubmissionFieldError[] };

/** At most this many field errors are reported: enough for any form, bounded for hostile bodies. */
const MAX_ERRORS = 60;
const MAX_FIELD_NAME = 80;

function messageFor(errorCode: ErrorCode, field: string, locale: Locale): string {
  const item = field.startsWith('answers.')
    ? ITEM_BY_ID.get(field.slice('answers.'.length))
    : undefined;
  const params: Record<string, number> =
    item && item.kind === 'number' ? { min: item.min, max: item.max } : {};
  return format(CATALOGUES[locale].errors[errorCode], params);
}

function isErrorCode(value: string): value is ErrorCode {
  return value in CATALOGUES.en.errors && value !== 'detail';
}

/** Skip logic: an asked required item must be answered; an item not asked must be left out. */
export function skipLogicErrors(answers: Answers): { field: string; code: ErrorCode }[] {
  const errors: { field: string; code: ErrorCode }[] = [];
  for (const item of ITEMS) {
    if (!item.showIf) continue;
    const asked = isAsked(item, answers);
    const value = answers[item.id];
    if (asked && !item.optional && isUnanswered(value))
      errors.push({ field: `answers.${item.id}`, code: 'required' });
    if (!asked && !isUnanswered(value))
      errors.push({ field: `answers.${item.id}`, code: 'notAsked' });
  }
  return errors;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The locale a body asks for, when it names one of ours; else `fallback`. */
export function submissionLocale(body: unknown, fallback: Locale): Locale {
  return isPlainObject(body) && (LOCALES as readonly unknown[]).includes(body.locale)
    ? (body.locale as Locale)
    : fallback;
}

/**
 * Validates a submission body (anything: it comes off the wire) and localizes every problem.
 * The locale of the messages is the body's own when valid, else `fallbackLocale`.
 *
 * @example validateSubmission(await request.json(), 'pl')
 */
export function validateSubmission(body: unknown, fallbackLocale: Locale): ValidationResult {
  const locale = submissionLocale(body, fallbackLocale);
  const parsed = submissionSchema.safeParse(body);
  const found: { field: string; code: ErrorCode }[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.map(String);
      const issueCode = isErrorCode(issue.message) ? issue.message : 'body';
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          found.push({ field: [...where, key].join('.'), code: 'unknownField' });
      } else {
        found.push({ field: where.join('.') || 'body', code: issueCode });
      }
    }
  }
  const answers =
    isPlainObject(body) && isPlainObject(body.answers) ? (body.answers as Answers) : undefined;
  if (answers) {
    for (const error of skipLogicErrors(answers))
      if (!found.some((other) => other.field === error.field)) found.push(error);
  }
  if (found.length || !parsed.success) {
    return {
      ok: false,
      errors: found.slice(0, MAX_ERRORS).map(({ field, code: errorCode }) => {
        const shown = field.length > MAX_FIELD_NAME ? `${field.slice(0, MAX_FIELD_NAME)}…` : field;
        return { field: shown, code: errorCode, message: messageFor(errorCode, field, locale) };
      }),
    };
  }
  const given = parsed.data.answers as Answers;
  const normalised: Record<string, AnswerValue> = {};
  for (const item of ITEMS)
    normalised[item.id] = isAsked(item, given) ? (given[item.id] ?? null) : null;
  return {
    ok: true,
    submission: {
      submissionId: parsed.data.submissionId.toLowerCase(),
      locale: parsed.data.locale,
      questionnaireVersion: parsed.data.questionnaireVersion,
      answers: normalised,
    },
  };
}

/**
 * Validates the answers of some items only (a page of the form): the same rules, for the
 * items named, with localized messages keyed by item id.
 */
export function validateItems(
  answers: Answers,
  itemIds: readonly string[],
  locale: Locale,
): Map<string, SubmissionFieldError> {
  const errors = new Map<string, SubmissionFieldError>();
  const result = validateSubmission(
    {
      submissionId: '00000000-0000-4000-8000-000000000000',
      locale,
      questionnaireVersion: QUESTIONNAIRE_VERSION,
      consent: true,
      answers,
    },
    locale,
  );
  if (result.ok) return errors;
  for (const error of result.errors) {
    const id = error.field.startsWith('answers.')
      ? error.field.slice('answers.'.length)
      : undefined;
    if (id && itemIds.includes(id) && !errors.has(id)) errors.set(id, error);
  }
  return errors;
}
