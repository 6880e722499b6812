import type { LabelledRespondent } from '../../data/record.js';
import { SLEEP_DURATIONS } from '../../data/record.js';
import { sigmoid } from '../linear-algebra.js';
import { SeededRandom } from '../random.js';

const CITIES = ['Delhi', 'Mumbai', 'Pune', 'Kolkata', 'Jaipur'];
const DEGREES = ['Class 12', 'BSc', 'B.Tech', 'MSc', 'MBA', 'PhD', 'Others'];
const DIETS = ['Healthy', 'Moderate', 'Unhealthy', 'Others'] as const;

/**
 * Respondents with a known signal (academic pressure, financial stress, suicidal thoughts,
 * sleep and diet raise the odds; gender has no effect), for tests that must not depend on
 * the real dataset. One city in `rareCityEvery` rows is a junk one-off value, as in Kaggle's.
 */
export function syntheticRespondents(
  rows: number,
  seed = 1,
  rareCityEvery = 97,
): LabelledRespondent[] {
  const random = new SeededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[random.nextInt(values.length)];
  const scale = (): number => 1 + random.nextInt(5);
  return Array.from({ length: rows }, (_, i) => {
    const academic = scale();
    const financial = scale();
    const suicidal = random.next() < 0.6 ? 'Yes' : 'No';
    const sleep = pick(SLEEP_DURATIONS);
    const diet = pick(DIETS);
    const logit =
      -4 +
      0.7 * academic +
      0.45 * financial +
      (suicidal === 'Yes' ? 2 : 0) +
      (sleep === 'Less than 5 hours' ? 0.5 : 0) +
      (diet === 'Unhealthy' ? 0.6 : 0);
    return {
      gender: random.next() < 0.55 ? 'Male' : 'Female',
      age: 18 + random.nextInt(17),
      city: i % rareCityEvery === rareCityEvery - 1 ? `Junk${i}` : pick(CITIES),
      profession: 'Student',
      academic_pressure: academic,
      work_pressure: 0,
      cgpa: Math.round((5 + random.next() * 5) * 100) / 100,
      study_satisfaction: scale(),
      job_satisfaction: 0,
      sleep_duration: sleep,
      dietary_habits: diet,
      degree: pick(DEGREES),
      suicidal_thoughts: suicidal,
      work_study_hours: random.nextInt(13),
      financial_stress: i % 50 === 7 ? null : financial,
      family_history: random.next() < 0.5 ? 'Yes' : 'No',
      depression: random.next() < sigmoid(logit) ? 1 : 0,
    };
  });
}

/** Labels of labelled records as bytes. */
export function labelsOf(records: readonly LabelledRespondent[]): Uint8Array {
  return Uint8Array.from(records, (record) => record.depression);
}
