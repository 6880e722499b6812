import type { LabelledRespondent } from './record.js';

/** A field of the labelled record, the label included. */
export type RecordField = keyof LabelledRespondent;

/** The published file's `id` column: a source identifier, not a feature. */
export const KAGGLE_ID_COLUMN = 'id';

/**
 * Published column name of every record field, in the published column order.
 * The header of the Kaggle file is `id` followed by these names.
 */
export const KAGGLE_COLUMN_OF_FIELD = {
  gender: 'Gender',
  age: 'Age',
  city: 'City',
  profession: 'Profession',
  academic_pressure: 'Academic Pressure',
  work_pressure: 'Work Pressure',
  cgpa: 'CGPA',
  study_satisfaction: 'Study Satisfaction',
  job_satisfaction: 'Job Satisfaction',
  sleep_duration: 'Sleep Duration',
  dietary_habits: 'Dietary Habits',
  degree: 'Degree',
  suicidal_thoughts: 'Have you ever had suicidal thoughts ?',
  work_study_hours: 'Work/Study Hours',
  financial_stress: 'Financial Stress',
  family_history: 'Family History of Mental Illness',
  depression: 'Depression',
} as const satisfies Record<RecordField, string>;

/** Record fields in the published column order (the label last). */
export const RECORD_FIELDS = Object.keys(KAGGLE_COLUMN_OF_FIELD) as RecordField[];

/** The exact published header, in order. */
export const KAGGLE_HEADER: readonly string[] = [
  KAGGLE_ID_COLUMN,
  ...RECORD_FIELDS.map((field) => KAGGLE_COLUMN_OF_FIELD[field]),
];

/** Fields written as numbers in the file; the rest are category or free-text values. */
export const NUMERIC_FIELDS: ReadonlySet<RecordField> = new Set<RecordField>([
  'age',
  'academic_pressure',
  'work_pressure',
  'cgpa',
  'study_satisfaction',
  'job_satisfaction',
  'work_study_hours',
  'financial_stress',
  'depression',
]);
