import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTATIONS } from './expectations.js';
import type { Expectation } from './expectations.js';
import { readKaggleCsv } from './kaggle-csv.js';
import type { LabelledRespondent } from './record.js';
import { ValidationRun, validateRecords, validateRows } from './validate.js';
import type { ExpectationResult, ValidationReport } from './validate.js';
import { formatValidationReport, validationReportToJson } from './validation-report.js';

function respondent(overrides: Partial<LabelledRespondent> = {}): LabelledRespondent {
  return {
    gender: 'Female',
    age: 22,
    city: 'Pune',
    profession: 'Student',
    academic_pressure: 3,
    work_pressure: 0,
    cgpa: 7.5,
    study_satisfaction: 3,
    job_satisfaction: 0,
    sleep_duration: '7-8 hours',
    dietary_habits: 'Healthy',
    degree: 'BSc',
    suicidal_thoughts: 'No',
    work_study_hours: 6,
    financial_stress: 3,
    family_history: 'No',
    depression: 0,
    ...overrides,
  };
}

/** Balanced, varied rows that pass every default expectation. */
function healthyRecords(count: number): LabelledRespondent[] {
  return Array.from({ length: count }, (_, i) =>
    respondent({
      depression: (i % 2) as 0 | 1,
      work_pressure: i % 3,
      job_satisfaction: i % 4,
      profession: i % 2 ? 'Student' : 'Teacher',
    }),
  );
}

function result(report: ValidationReport, name: string): ExpectationResult {
  const found = report.expectations.find((r) => r.name === name);
  if (!found) throw new Error(`no expectation named ${name}`);
  return found;
}

const only = (...expectations: Expectation[]) => ({ expectations });

describe('validateRecords', () => {
  it('passes clean data on every default expectation', () => {
    const report = validateRecords(healthyRecords(40), {
      ids: Array.from({ length: 40 }, (_, i) => `${i}`),
    });
    expect(report.status).toBe('pass');
    expect(report.summary).toEqual({ pass: DEFAULT_EXPECTATIONS.length, warn: 0, fail: 0 });
  });

  it('warns (not fails) on a warn-level breach, with up to five examples with rows and values', () => {
    const records = healthyRecords(20).map((r, i) => (i % 2 ? { ...r, cgpa: 0 } : r));
    const report = validateRecords(
      records,
      only({
        kind: 'forbidden-values',
        name: 'cgpa not 0',
        severity: 'warn',
        field: 'cgpa',
        values: [0],
      }),
    );
    const cgpa = result(report, 'cgpa not 0');
    expect(cgpa).toMatchObject({
      status: 'warn',
      checked: 20,
      failing: 10,
      detail: '10 of 20 values are 0',
    });
    expect(cgpa.examples).toEqual(
      [2, 4, 6, 8, 10].map((row) => ({ row, column: 'CGPA', value: '0' })),
    );
    expect(report.status).toBe('warn');
  });

  it('fails a range, skipping missing values (those belong to the missing-share check)', () => {
    const records = [
      respondent({ financial_stress: 0 }),
      respondent({ financial_stress: null }),
      respondent(),
    ];
    const report = validateRecords(
      records,
      only({
        kind: 'range',
        name: 'fs',
        severity: 'fail',
        field: 'financial_stress',
        min: 1,
        max: 5,
      }),
    );
    expect(result(report, 'fs')).toMatchObject({
      status: 'fail',
      checked: 2,
      failing: 1,
      detail: '1 of 2 values are outside 1–5',
    });
    expect(report.status).toBe('fail');
  });

  it('fails a value set', () => {
    const records = [
      respondent({ depression: 1 }),
      { ...respondent(), depression: 2 } as unknown as LabelledRespondent,
    ];
    const report = validateRecords(
      records,
      only({
        kind: 'value-set',
        name: 'label',
        severity: 'fail',
        field: 'depression',
        values: [0, 1],
      }),
    );
    expect(result(report, 'label')).toMatchObject({
      status: 'fail',
      failing: 1,
      examples: [{ row: 2, column: 'Depression', value: '2' }],
    });
  });

  it('fails the schema on a record with a wrong type and names the field', () => {
    const bad = { ...respondent(), age: '22' } as unknown as LabelledRespondent;
    const report = validateRecords(
      [respondent(), bad],
      only({ kind: 'schema', name: 'schema', severity: 'fail' }),
    );
    const schema = result(report, 'schema');
    expect(schema).toMatchObject({ status: 'fail', checked: 2, failing: 1 });
    expect(schema.examples[0].value).toMatch(/^age: /);
  });

  it('finds repeated ids and says where each first appeared', () => {
    const report = validateRecords(healthyRecords(4), {
      ids: ['a', 'b', 'a', 'a'],
      ...only({ kind: 'unique-ids', name: 'ids', severity: 'fail' }),
    });
    expect(result(report, 'ids')).toMatchObject({
      status: 'fail',
      checked: 4,
      failing: 2,
      examples: [
        { row: 3, id: 'a', column: 'id', value: 'a (first on row 1)' },
        { row: 4, id: 'a', column: 'id', value: 'a (first on row 1)' },
      ],
    });
  });

  it('fails a column with too many missing values and names it', () => {
    const records = healthyRecords(10).map((r, i) =>
      i < 2 ? { ...r, financial_stress: null } : r,
    );
    const report = validateRecords(
      records,
      only({
        kind: 'missing-share',
        name: 'missing',
        severity: 'fail',
        fields: ['financial_stress', 'age'],
        maxShare: 0.1,
      }),
    );
    expect(result(report, 'missing')).toMatchObject({
      status: 'fail',
      checked: 20,
      failing: 2,
      observed: 0.2,
      detail: 'over 10.00% missing in Financial Stress (20.00%)',
    });
  });

  it('fails a positive rate outside the bounds, and an empty dataset', () => {
    const expectation: Expectation = {
      kind: 'label-balance',
      name: 'balance',
      severity: 'fail',
      min: 0.2,
      max: 0.8,
    };
    const skewed = healthyRecords(10).map((r) => ({ ...r, depression: 1 as const }));
    expect(result(validateRecords(skewed, only(expectation)), 'balance')).toMatchObject({
      status: 'fail',
      observed: 1,
    });
    const empty = validateRecords([], only(expectation));
    expect(result(empty, 'balance')).toMatchObject({ status: 'fail', detail: 'no rows' });
    expect(validationReportToJson(empty).expectations[0].observed).toBeNull();
  });

  it('warns on a near-constant column', () => {
    const records = healthyRecords(200).map((r, i) => ({ ...r, work_pressure: i === 0 ? 2 : 0 }));
    const report = validateRecords(
      records,
      only({
        kind: 'near-constant',
        name: 'wp',
        severity: 'warn',
        field: 'work_pressure',
        maxShare: 0.99,
      }),
    );
    expect(result(report, 'wp')).toMatchObject({
      status: 'warn',
      observed: 0.995,
      detail: 'most common value 0 on 99.50% of rows (limit 99.00%)',
    });
  });

  it('rejects a suite with two expectations of the same name', () => {
    const twice: Expectation = { kind: 'schema', name: 'same', severity: 'fail' };
    expect(() => new ValidationRun([twice, twice])).toThrow(/Duplicate expectation name 'same'/);
  });
});

describe('validateRows over a CSV stream', () => {
  it("counts the reader's rejected rows against the schema, with their file lines", async () => {
    const header =
      'id,Gender,Age,City,Profession,Academic Pressure,Work Pressure,CGPA,Study Satisfaction,Job Satisfaction,Sleep Duration,Dietary Habits,Degree,Have you ever had suicidal thoughts ?,Work/Study Hours,Financial Stress,Family History of Mental Illness,Depression';
    const good = '1,Male,21,Pune,Student,3,0,7.25,4,0,5-6 hours,Healthy,BSc,Yes,6,2,No,1';
    const text = [
      header,
      good,
      good.replace('1,Male,21', '2,Male,200'),
      good.replace(/^1,/, '3,'),
      '',
    ].join('\n');
    const report = await validateRows(readKaggleCsv(Readable.from([Buffer.from(text)])));
    const schema = result(report, DEFAULT_EXPECTATIONS[0].name);
    expect(schema).toMatchObject({
      status: 'fail',
      checked: 3,
      failing: 1,
      examples: [{ row: 3, value: "Age: '200' is above the maximum 100" }],
    });
    expect(report.rows).toBe(3);
  });
});

describe('report output', () => {
  const report = validateRecords(
    healthyRecords(10).map((r, i) => (i === 3 ? { ...r, academic_pressure: 0 } : r)),
    { ids: Array.from({ length: 10 }, (_, i) => `id${i}`) },
  );

  it('prints a table with status, name, counts, detail and examples under non-passing rows', () => {
    const text = formatValidationReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+EXPECTATION\s+CHECKED\s+FAILING\s+DETAIL$/);
    const warnLine = lines.findIndex((line) => line.startsWith('warn    academic pressure in 1–5'));
    expect(lines[warnLine]).toMatch(/\s10\s+1\s+1 of 10 values are outside 1–5$/);
    expect(lines[warnLine + 1].trim()).toBe('e.g. row 4 id id3 Academic Pressure: 0');
    expect(lines.at(-1)).toBe(
      `Result: WARN (10 rows; ${DEFAULT_EXPECTATIONS.length - 1} passed, 1 warnings, 0 failed)`,
    );
  });

  it('serialises to versioned JSON that parses back', () => {
    const json = JSON.parse(JSON.stringify(validationReportToJson(report)));
    expect(json).toMatchObject({
      version: 1,
      status: 'warn',
      rows: 10,
      summary: { warn: 1, fail: 0 },
    });
    expect(json.expectations).toHaveLength(DEFAULT_EXPECTATIONS.length);
    expect(Object.keys(json.expectations[0]).sort()).toEqual(
      ['checked', 'detail', 'examples', 'failing', 'kind', 'name', 'severity', 'status'].sort(),
    );
  });
});
