/**
 * Schema and value sets of the real data: the validation suite's verdict with its known
 * quirks, and the values the survey and the models rely on.
 */
import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKaggleCsvFile, readKaggleCsv } from '../../src/data/kaggle-csv.js';
import type { LabelledRespondent } from '../../src/data/record.js';
import { DIETARY_HABITS, SLEEP_DURATIONS } from '../../src/data/record.js';
import { validateRows } from '../../src/data/validate.js';
import { DATASET_CITIES, DATASET_DEGREES } from '../../src/survey/questionnaire.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';

function counts<T>(values: Iterable<T>): Map<T, number> {
  const result = new Map<T, number>();
  for (const value of values) result.set(value, (result.get(value) ?? 0) + 1);
  return result;
}

describe('values of the real data ($SDP_DATASET)', needsDataset, () => {
  let records: LabelledRespondent[];
  beforeAll(async () => {
    records = (await loadKaggleCsvFile(datasetFile())).records;
  });
  /** A column's values; the published data has missing values in financial stress only. */
  const column = <K extends keyof LabelledRespondent>(field: K) =>
    records.map((record) => record[field] as NonNullable<LabelledRespondent[K]>);

  it('have missing values in financial stress only (`?` on 3 rows)', () => {
    const missing = new Map<string, number>();
    for (const record of records)
      for (const [field, value] of Object.entries(record))
        if (value === null) missing.set(field, (missing.get(field) ?? 0) + 1);
    expect([...missing.keys()]).toEqual(['financial_stress']);
  });

  it('pass the default validation suite with warnings only: the known out-of-scale zeros and near-constant columns', async () => {
    const report = await validateRows(readKaggleCsv(createReadStream(datasetFile())));
    expect(report.rows).toBe(22_320);
    expect(report.summary.fail).toBe(0);
    expect(report.status).toBe('warn');
    expect(report.expectations.filter((r) => r.status === 'warn').map((r) => r.name)).toEqual([
      'academic pressure in 1–5',
      'study satisfaction in 1–5',
      'CGPA is not 0',
      'work pressure is not near-constant',
      'job satisfaction is not near-constant',
      'profession is not near-constant',
    ]);
  });

  it('use every sleep and diet category, "Others" on under 0.1% of rows', () => {
    for (const [field, categories] of [
      ['sleep_duration', SLEEP_DURATIONS],
      ['dietary_habits', DIETARY_HABITS],
    ] as const) {
      const seen = counts<string>(column(field));
      expect([...seen.keys()].sort(), field).toEqual([...categories].sort());
      expect(seen.get('Others')!, field).toBeLessThan(records.length / 1000);
    }
  });

  it('name exactly the degrees the survey offers', () => {
    expect([...counts(column('degree')).keys()].sort()).toEqual([...DATASET_DEGREES].sort());
  });

  it('name the 30 cities the survey offers on 300+ rows each; every other city value is a one-off (≤ 2 rows)', () => {
    const seen = counts(column('city'));
    for (const city of DATASET_CITIES) expect(seen.get(city) ?? 0, city).toBeGreaterThan(300);
    const junk = [...seen].filter(
      ([city]) => !(DATASET_CITIES as readonly string[]).includes(city),
    );
    expect(junk.length).toBeGreaterThan(0); // the published quirk the models group into "other"
    for (const [city, count] of junk) expect(count, city).toBeLessThanOrEqual(2);
  });

  it('are students: profession "Student" on over 99.8% of rows', () => {
    expect(counts(column('profession')).get('Student')!).toBeGreaterThan(0.998 * records.length);
  });

  it('keep numbers in their published ranges: whole ages 18–59, whole hours 0–12, CGPA 5–10 (or 0 on a few rows)', () => {
    const ages = column('age');
    expect(ages.every(Number.isInteger)).toBe(true);
    expect([Math.min(...ages), Math.max(...ages)]).toEqual([18, 59]);
    const hours = column('work_study_hours');
    expect(hours.every(Number.isInteger)).toBe(true);
    expect([Math.min(...hours), Math.max(...hours)]).toEqual([0, 12]);
    const cgpa = column('cgpa');
    expect(cgpa.filter((value) => value === 0).length).toBeLessThanOrEqual(10);
    expect(cgpa.every((value) => value === 0 || (value >= 5 && value <= 10))).toBe(true);
  });
});
