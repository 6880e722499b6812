import { describe, expect, it } from 'vitest';
import { labelledRespondentSchema } from './record.js';
import type { LabelledRespondent } from './record.js';
import { serialiseSynthParams } from './synth-model.js';
import {
  defaultSynthParams,
  fitSynthModel,
  generateSynthetic,
  synthParamsSchema,
} from './synth.js';
import type { SynthParams } from './synth.js';
import { validateRecords } from './validate.js';

const take = (count: number, seed: number, params?: SynthParams) => [
  ...generateSynthetic({ rows: count, seed, params }),
];

/** Handmade rows: two cities common, three rare; ages 20–24 common, 40 rare; label follows suicidal thoughts. */
function handmade(): LabelledRespondent[] {
  const rows: LabelledRespondent[] = [];
  for (let i = 0; i < 200; i++) {
    const suicidal = i % 3 === 0 ? 'Yes' : 'No';
    rows.push({
      gender: i % 2 ? 'Male' : 'Female',
      age: i < 3 ? 40 : 20 + (i % 5),
      city: i < 3 ? `Rareville ${i}` : i % 2 ? 'Pune' : 'Delhi',
      profession: 'Student',
      academic_pressure: 1 + (i % 5),
      work_pressure: 0,
      cgpa: i === 7 ? 0 : 5 + (i % 50) / 10,
      study_satisfaction: 1 + (i % 4),
      job_satisfaction: 0,
      sleep_duration: '7-8 hours',
      dietary_habits: i % 4 ? 'Healthy' : 'Moderate',
      degree: 'BSc',
      suicidal_thoughts: suicidal,
      work_study_hours: i % 12,
      financial_stress: i === 5 ? null : 1 + (i % 5),
      family_history: 'No',
      depression: suicidal === 'Yes' || i % 7 === 0 ? 1 : 0,
    });
  }
  return rows;
}

describe('generateSynthetic', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(take(50, 42)).toEqual(take(50, 42));
    expect(take(50, 43)).not.toEqual(take(50, 42));
  });

  it('produces valid records that pass the validation suite without failures', () => {
    const records = take(5_000, 1);
    for (const record of records)
      expect(labelledRespondentSchema.safeParse(record).success).toBe(true);
    const report = validateRecords(records);
    expect(report.summary.fail).toBe(0);
  });

  it('streams: the first rows of a billion-row request arrive at once', () => {
    const rows = generateSynthetic({ rows: 1e9, seed: 3 });
    const first = [rows.next().value, rows.next().value];
    rows.return(undefined);
    expect(first).toHaveLength(2);
  });

  it('keeps the label rate and the strongest single signal of its parameters', () => {
    const records = take(20_000, 9);
    const rate = records.filter((r) => r.depression === 1).length / records.length;
    expect(rate).toBeCloseTo(defaultSynthParams().positiveRate, 1);
    const depressedShare = (thoughts: 'Yes' | 'No') => {
      const group = records.filter((r) => r.suicidal_thoughts === thoughts);
      return group.filter((r) => r.depression === 1).length / group.length;
    };
    // README: suicidal thoughts Yes → 0.79 depressed, No → 0.23.
    expect(depressedShare('Yes')).toBeGreaterThan(0.7);
    expect(depressedShare('No')).toBeLessThan(0.3);
  });

  it('rejects a negative row count', () => {
    expect(() => take(-1, 1)).toThrow(RangeError);
  });
});

describe('fitSynthModel', () => {
  const params = fitSynthModel(handmade());
  const levelValues = (field: keyof SynthParams['features']) =>
    params.features[field].levels.map((level) =>
      'value' in level ? level.value : `${level.min}–${level.max}`,
    );

  it('merges rare categories and absorbs rare numbers, so no value held by under 10 rows is kept', () => {
    expect(levelValues('city').sort()).toEqual(['Delhi', 'Pune']); // three rare cities: too few even as 'Others'
    expect(levelValues('age')).toEqual([20, 21, 22, 23, 24]); // age 40 (3 rows) joins 24
    expect(JSON.stringify(params)).not.toMatch(/Rareville/);
  });

  it('leaves the rare tails out of continuous bands (CGPA 0 is not reproduced)', () => {
    const bands = params.features.cgpa.levels.map((level) =>
      'min' in level ? level.min : Number.NaN,
    );
    expect(Math.min(...bands)).toBeGreaterThanOrEqual(5);
    expect(params.features.cgpa.decimals).toBe(1);
  });

  it('records the missing share of a nullable field', () => {
    expect(params.features.financial_stress.missing).toBeCloseTo(1 / 200, 6);
  });

  it('round-trips through the parameter schema and its serialisation', () => {
    const text = serialiseSynthParams(params);
    expect(synthParamsSchema.parse(JSON.parse(text))).toEqual(params);
  });

  it('refuses broken parameter documents', () => {
    const broken = structuredClone(params);
    broken.features.gender.probabilities[0][0] = [1];
    expect(synthParamsSchema.safeParse(broken).success).toBe(false);
    const missingAge = structuredClone(params);
    missingAge.features.age.missing = 0.1;
    expect(synthParamsSchema.safeParse(missingAge).error?.issues[0].message).toMatch(
      /age: cannot be missing/,
    );
  });

  it('generates from its own fit', () => {
    const records = take(2_000, 5, params);
    expect(new Set(records.map((r) => r.city))).toEqual(new Set(['Delhi', 'Pune']));
    expect(records.some((r) => r.financial_stress === null)).toBe(true);
  });
});
