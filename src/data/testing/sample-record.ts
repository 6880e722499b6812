import type { LabelledRespondent } from '../record.js';

/** One valid, made-up labelled respondent (not taken from the dataset), for tests. */
export const SAMPLE_RECORD: LabelledRespondent = {
  gender: 'Female',
  age: 24,
  city: 'Bangalore',
  profession: 'Student',
  academic_pressure: 2,
  work_pressure: 0,
  cgpa: 5.59,
  study_satisfaction: 5,
  job_satisfaction: 0,
  sleep_duration: '5-6 hours',
  dietary_habits: 'Moderate',
  degree: 'BSc',
  suicidal_thoughts: 'No',
  work_study_hours: 3,
  financial_stress: null,
  family_history: 'Yes',
  depression: 0,
};
