import { describe, expect, it } from 'vitest';
import { respondentSchema } from '../data/record.js';
import { CATALOGUES, localeFromHeader } from './messages.js';
import { phq9Band, phq9Score } from './phq9.js';
import {
  ITEMS,
  LOCALES,
  OPTIONAL_FACTOR_ITEMS,
  PAGES,
  needsSafetyScreen,
} from './questionnaire.js';
import { toRecord } from './record-mapping.js';
import { studentAnswers, submissionBody } from './testing/answers.js';
import { validateItems, validateSubmission } from './submission.js';

describe('questionnaire definition', () => {
  it('asks every factor of the record exactly once, plus the nine PHQ-9 items', () => {
    const fields = ITEMS.flatMap((item) => (item.field ? [item.field] : []));
    expect([...fields].sort()).toEqual(Object.keys(respondentSchema.shape).sort());
    expect(ITEMS.filter((item) => item.id.startsWith('phq9_')).map((item) => item.id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `phq9_${n}`),
    );
    for (const item of ITEMS) expect(PAGES).toContain(item.page);
  });

  it.each(LOCALES)(
    'has every text in the %s catalogue, with a label for each radio choice',
    (locale) => {
      const catalogue = CATALOGUES[locale];
      expect(Object.keys(catalogue.errors).sort()).toEqual(
        Object.keys(CATALOGUES.en.errors).sort(),
      );
      for (const item of ITEMS) {
        const text = catalogue.items[item.id];
        expect(text?.label, item.id).toBeTruthy();
        if (item.kind === 'choice' && item.display === 'radio')
          for (const value of item.values)
            expect(text.choices?.[value], `${item.id}=${value}`).toBeTruthy();
        if (item.kind === 'scale' && item.labels === 'anchors')
          expect(text.low && text.high, item.id).toBeTruthy();
      }
    },
  );

  it('maps every choice value to a value the record accepts, or to null on purpose', () => {
    const nullable = new Set(['gender:another']);
    for (const item of ITEMS)
      if (item.kind === 'choice')
        for (const value of item.values) {
          const mapped = item.toRecord[value];
          if (mapped === null)
            expect(nullable.has(`${item.id}:${value}`), `${item.id}:${value}`).toBe(true);
          else
            expect(
              respondentSchema.shape[item.field!].safeParse(mapped).success,
              `${item.id}:${value}`,
            ).toBe(true);
        }
  });
});

describe('PHQ-9', () => {
  it('scores the total, the published bands and the label at 10', () => {
    expect([0, 4, 5, 9, 10, 14, 15, 19, 20, 27].map(phq9Band)).toEqual([
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'moderately-severe',
      'moderately-severe',
      'severe',
      'severe',
    ]);
    expect(phq9Score(studentAnswers({}, [2, 2, 2, 1, 1, 1, 1, 0, 0]))).toEqual({
      total: 10,
      band: 'moderate',
      label: 1,
    });
    expect(phq9Score(studentAnswers({}, [1, 1, 1, 1, 1, 1, 1, 1, 1])).label).toBe(0);
    expect(() => phq9Score({ ...studentAnswers(), phq9_3: null })).toThrow(/phq9_3/);
  });

  it('calls for the safety screen when item 9 is above 0 or suicidal thoughts is yes', () => {
    expect(needsSafetyScreen(studentAnswers())).toBe(false);
    expect(needsSafetyScreen(studentAnswers({}, [0, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe(true);
    expect(needsSafetyScreen(studentAnswers({ suicidal_thoughts: 'Yes' }))).toBe(true);
  });
});

describe('validation', () => {
  it('accepts a complete submission and fills hidden and unanswered items with null', () => {
    const result = validateSubmission(submissionBody(studentAnswers({ cgpa: undefined })), 'en');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.submission.answers.cgpa).toBeNull();
      expect(result.submission.answers.work_pressure).toBeNull();
    }
  });

  it('lists every bad field with a localized message', () => {
    const body = submissionBody(
      studentAnswers({ age: 12, gender: '<script>alert(1)</script>', phq9_9: undefined }),
      { locale: 'pl' },
    );
    const result = validateSubmission(body, 'en');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = Object.fromEntries(result.errors.map((error) => [error.field, error.message]));
    expect(byField).toEqual({
      'answers.age': 'Proszę podać liczbę od 18 do 100.',
      'answers.gender': 'Proszę wybrać jedną z odpowiedzi.',
      'answers.phq9_9': 'Proszę odpowiedzieć na to pytanie.',
    });
  });

  it('applies skip logic: job questions only for people who work, and then required', () => {
    const worker = validateSubmission(
      submissionBody(studentAnswers({ profession: 'Teacher' })),
      'en',
    );
    expect(worker.ok).toBe(false);
    if (!worker.ok)
      expect(worker.errors.map((error) => error.field).sort()).toEqual([
        'answers.job_satisfaction',
        'answers.work_pressure',
      ]);
    const student = validateSubmission(submissionBody(studentAnswers({ work_pressure: 3 })), 'en');
    expect(student.ok).toBe(false);
    if (!student.ok)
      expect(student.errors[0]).toMatchObject({ field: 'answers.work_pressure', code: 'notAsked' });
  });

  it('rejects unknown fields, wrong types and a missing consent', () => {
    const result = validateSubmission(
      {
        ...submissionBody(),
        consent: false,
        admin: true,
        answers: { ...studentAnswers(), age: '21', extra: 1 },
      },
      'en',
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((error) => `${error.field}:${error.code}`).sort()).toEqual([
        'admin:unknownField',
        'answers.age:range',
        'answers.extra:unknownField',
        'consent:consent',
      ]);
  });

  it('checks one page of the form with the same rules', () => {
    const errors = validateItems({ age: 17.5 }, ['gender', 'age', 'profession'], 'en');
    expect([...errors.keys()]).toEqual(['age', 'profession']);
    expect(errors.get('age')?.message).toBe('Please enter a number from 18 to 100.');
  });

  it('picks the message language from Accept-Language', () => {
    expect(localeFromHeader('pl-PL,pl;q=0.9,en;q=0.8')).toBe('pl');
    expect(localeFromHeader('de-DE,en;q=0.5')).toBe('en');
    expect(localeFromHeader(undefined)).toBe('en');
  });
});

describe('record mapping and manual review', () => {
  it('maps answers to a valid record, with the dataset zeros for a student', () => {
    const mapping = toRecord(studentAnswers(), 0.2);
    expect(mapping).toEqual({
      ok: true,
      record: expect.objectContaining({
        gender: 'Female',
        work_pressure: 0,
        job_satisfaction: 0,
        city: 'Other',
        financial_stress: 3,
      }),
    });
  });

  it('keeps financial stress missing, as the dataset does', () => {
    const mapping = toRecord({ ...studentAnswers(), financial_stress: null }, 0.2);
    expect(mapping.ok && mapping.record.financial_stress).toBeNull();
  });

  it(`sends a response to review only when more than maxUnansweredShare of the ${OPTIONAL_FACTOR_ITEMS.length} optional items are unanswered`, () => {
    const mapping = toRecord({ ...studentAnswers(), financial_stress: null, cgpa: null }, 0.2);
    expect(mapping).toMatchObject({
      ok: false,
      reason: 'too-many-unanswered',
      fields: ['cgpa', 'financial_stress'],
    });
  });

  it('keeps every skipped optional item, and "another gender", as a missing value: never invented, never sent to review by default', () => {
    const skipped = Object.fromEntries(OPTIONAL_FACTOR_ITEMS.map((item) => [item.id, null]));
    const mapping = toRecord({ ...studentAnswers(), ...skipped }, 1);
    expect(mapping.ok).toBe(true);
    const record = mapping.ok ? mapping.record : undefined;
    for (const item of OPTIONAL_FACTOR_ITEMS) expect(record?.[item.field!], item.id).toBeNull();
    expect(toRecord(studentAnswers({ gender: 'another' }), 1)).toMatchObject({
      ok: true,
      record: { gender: null, age: studentAnswers().age },
    });
  });

  it('asks optionally only for factors the record can hold as missing', () => {
    for (const item of OPTIONAL_FACTOR_ITEMS)
      expect(respondentSchema.shape[item.field!].safeParse(null).success, item.id).toBe(true);
  });
});
