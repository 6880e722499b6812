import { z } from 'zod';
import { STORABLE_TEXT, STORABLE_TEXT_MESSAGE } from '../platform/text.js';

/**
 * The respondent record: the factors of the Kaggle Student Depression Dataset under
 * snake_case names, defined once and used by ingest, the survey, training and serving.
 * Hard limits live here (a value outside them is invalid anywhere); softer expectations,
 * such as the dataset's out-of-scale zeros, are checked by the validation suite.
 */
export const SLEEP_DURATIONS = [
  'Less than 5 hours',
  '5-6 hours',
  '7-8 hours',
  'More than 8 hours',
  'Others',
] as const;
export const DIETARY_HABITS = ['Healthy', 'Moderate', 'Unhealthy', 'Others'] as const;
export const GENDERS = ['Male', 'Female'] as const;
export const YES_NO = ['Yes', 'No'] as const;

const scale = (max: number) => z.number().finite().min(0).max(max);
const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(STORABLE_TEXT, { message: STORABLE_TEXT_MESSAGE });

/**
 * Null is a missing value. The published data has them only in financial stress (`?`); the
 * survey's optional items (gender, city, CGPA, financial stress, family history, suicidal
 * thoughts) are null when a respondent skips them or answers "another gender", and the
 * models impute them (median for numbers, no one-hot column for categories).
 */
export const respondentSchema = z.strictObject({
  gender: z.enum(GENDERS).nullable(),
  age: z.number().finite().min(15).max(100),
  city: name.nullable(),
  profession: name,
  academic_pressure: scale(5),
  work_pressure: scale(5),
  cgpa: scale(10).nullable(),
  study_satisfaction: scale(5),
  job_satisfaction: scale(5),
  sleep_duration: z.enum(SLEEP_DURATIONS),
  dietary_habits: z.enum(DIETARY_HABITS),
  degree: name,
  suicidal_thoughts: z.enum(YES_NO).nullable(),
  work_study_hours: scale(24),
  financial_stress: scale(5).nullable(),
  family_history: z.enum(YES_NO).nullable(),
});

export const labelSchema = z.union([z.literal(0), z.literal(1)]);

export const labelledRespondentSchema = respondentSchema.extend({ depression: labelSchema });

export type Respondent = z.infer<typeof respondentSchema>;
export type LabelledRespondent = z.infer<typeof labelledRespondentSchema>;
export type FeatureName = keyof Respondent;

export const FEATURE_NAMES = Object.keys(respondentSchema.shape) as FeatureName[];
