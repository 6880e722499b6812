import type { FeatureName } from '../data/record.js';

/**
 * How each respondent factor enters the models. Kept in one place so the frame builder, the
 * model factory and the slice helpers agree.
 */
export const NUMERIC_FEATURES = [
  'age',
  'academic_pressure',
  'work_pressure',
  'cgpa',
  'study_satisfaction',
  'job_satisfaction',
  'work_study_hours',
  'financial_stress',
] as const satisfies readonly FeatureName[];

export const CATEGORICAL_FEATURES = [
  'gender',
  'city',
  'profession',
  'degree',
  'dietary_habits',
  'suicidal_thoughts',
  'family_history',
] as const satisfies readonly FeatureName[];

/** Categorical in the record, numeric in the model. */
export const ORDINAL_FEATURES = ['sleep_duration'] as const satisfies readonly FeatureName[];

/**
 * Sleep duration bands as hours (the band's midpoint, open bands half an hour beyond their
 * bound). `Others` says nothing about hours, so it is missing and imputed.
 */
export const SLEEP_HOURS: Readonly<Record<string, number | null>> = {
  'Less than 5 hours': 4.5,
  '5-6 hours': 5.5,
  '7-8 hours': 7.5,
  'More than 8 hours': 8.5,
  Others: null,
};

/**
 * The original feature a model input column came from: one-hot columns are named
 * `feature=level`, every other column keeps the feature's name.
 */
export function sourceFeature(columnName: string): string {
  const at = columnName.indexOf('=');
  return at === -1 ? columnName : columnName.slice(0, at);
}
