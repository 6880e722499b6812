import { RECORD_FIELDS } from './kaggle-columns.js';
import type { RecordField } from './kaggle-columns.js';
import {
  DIETARY_HABITS,
  GENDERS,
  labelledRespondentSchema,
  SLEEP_DURATIONS,
  YES_NO,
} from './record.js';

/** The columns that may hold missing values (the survey's optional items); the rest cannot. */
const OPTIONAL_FIELDS = RECORD_FIELDS.filter(
  (field) => labelledRespondentSchema.shape[field].safeParse(null).success,
);

/**
 * Declarative data expectations (the counterpart of Great Expectations / pandera checks).
 * Each is plain data, so suites can live in config and be printed; `validate.ts` evaluates a
 * list of them over records in one streaming pass.
 *
 * A failed `fail` expectation makes the dataset unusable; a failed `warn` one is reported
 * and accepted (the known quirks of the published data are warnings).
 */
export type Severity = 'fail' | 'warn';

interface ExpectationBase {
  /** Shown in reports; unique within a suite. */
  name: string;
  severity: Severity;
}

/** Every row parses as a labelled respondent: all columns present with the right types and hard limits. */
export interface SchemaExpectation extends ExpectationBase {
  kind: 'schema';
}

/** Each (non-missing) value of `field` is one of `values`. */
export interface ValueSetExpectation extends ExpectationBase {
  kind: 'value-set';
  field: RecordField;
  values: readonly (string | number)[];
}

/** Each (non-missing) value of `field` lies in [min, max]. */
export interface RangeExpectation extends ExpectationBase {
  kind: 'range';
  field: RecordField;
  min: number;
  max: number;
}

/** No value of `field` is one of `values` (for known bad codes such as a CGPA of 0). */
export interface ForbiddenValuesExpectation extends ExpectationBase {
  kind: 'forbidden-values';
  field: RecordField;
  values: readonly (string | number)[];
}

/** Source ids are unique. Rows without an id are not checked. */
export interface UniqueIdsExpectation extends ExpectationBase {
  kind: 'unique-ids';
}

/** In each of `fields`, at most `maxShare` of the rows are missing. */
export interface MissingShareExpectation extends ExpectationBase {
  kind: 'missing-share';
  fields: readonly RecordField[];
  maxShare: number;
}

/** The share of rows labelled 1 lies in [min, max]. */
export interface LabelBalanceExpectation extends ExpectationBase {
  kind: 'label-balance';
  min: number;
  max: number;
}

/** No single value of `field` holds more than `maxShare` of the rows (a near-constant column carries no signal). */
export interface NearConstantExpectation extends ExpectationBase {
  kind: 'near-constant';
  field: RecordField;
  maxShare: number;
}

export type Expectation =
  | SchemaExpectation
  | ValueSetExpectation
  | RangeExpectation
  | ForbiddenValuesExpectation
  | UniqueIdsExpectation
  | MissingShareExpectation
  | LabelBalanceExpectation
  | NearConstantExpectation;

export type ExpectationKind = Expectation['kind'];

/**
 * The suite for the Student Depression data. It passes on the published data with warnings
 * only: the few out-of-scale zeros (academic pressure, study satisfaction, CGPA) and the
 * near-constant columns are known quirks of the source, kept as warnings so a new file that
 * has many more of them still stands out in the counts.
 */
export const DEFAULT_EXPECTATIONS: readonly Expectation[] = [
  {
    kind: 'schema',
    name: 'rows match the record schema (columns, types, hard limits)',
    severity: 'fail',
  },
  { kind: 'unique-ids', name: 'ids are unique', severity: 'fail' },
  {
    kind: 'value-set',
    name: 'label is 0 or 1',
    severity: 'fail',
    field: 'depression',
    values: [0, 1],
  },
  {
    kind: 'label-balance',
    name: 'positive rate in [0.2, 0.8]',
    severity: 'fail',
    min: 0.2,
    max: 0.8,
  },
  {
    // A survey's respondents may skip optional items, and training imputes them; half of
    // them skipping one item points at a broken form or export, not at shy students.
    kind: 'missing-share',
    name: 'at most 50% missing in each optional column',
    severity: 'fail',
    fields: OPTIONAL_FIELDS,
    maxShare: 0.5,
  },
  {
    kind: 'missing-share',
    name: 'at most 5% missing in each optional column',
    severity: 'warn',
    fields: OPTIONAL_FIELDS,
    maxShare: 0.05,
  },
  {
    kind: 'value-set',
    name: 'gender is a known value',
    severity: 'fail',
    field: 'gender',
    values: GENDERS,
  },
  {
    kind: 'value-set',
    name: 'sleep duration is a known category',
    severity: 'fail',
    field: 'sleep_duration',
    values: SLEEP_DURATIONS,
  },
  {
    kind: 'value-set',
    name: 'dietary habits is a known category',
    severity: 'fail',
    field: 'dietary_habits',
    values: DIETARY_HABITS,
  },
  {
    kind: 'value-set',
    name: 'suicidal thoughts is Yes or No',
    severity: 'fail',
    field: 'suicidal_thoughts',
    values: YES_NO,
  },
  {
    kind: 'value-set',
    name: 'family history is Yes or No',
    severity: 'fail',
    field: 'family_history',
    values: YES_NO,
  },
  { kind: 'range', name: 'age in 15–100', severity: 'fail', field: 'age', min: 15, max: 100 },
  { kind: 'range', name: 'CGPA in 0–10', severity: 'fail', field: 'cgpa', min: 0, max: 10 },
  {
    kind: 'range',
    name: 'work/study hours in 0–24',
    severity: 'fail',
    field: 'work_study_hours',
    min: 0,
    max: 24,
  },
  {
    kind: 'range',
    name: 'financial stress in 1–5',
    severity: 'fail',
    field: 'financial_stress',
    min: 1,
    max: 5,
  },
  {
    kind: 'range',
    name: 'academic pressure in 1–5',
    severity: 'warn',
    field: 'academic_pressure',
    min: 1,
    max: 5,
  },
  {
    kind: 'range',
    name: 'study satisfaction in 1–5',
    severity: 'warn',
    field: 'study_satisfaction',
    min: 1,
    max: 5,
  },
  { kind: 'forbidden-values', name: 'CGPA is not 0', severity: 'warn', field: 'cgpa', values: [0] },
  {
    kind: 'range',
    name: 'work pressure in 0–5',
    severity: 'fail',
    field: 'work_pressure',
    min: 0,
    max: 5,
  },
  {
    kind: 'range',
    name: 'job satisfaction in 0–5',
    severity: 'fail',
    field: 'job_satisfaction',
    min: 0,
    max: 5,
  },
  {
    kind: 'near-constant',
    name: 'work pressure is not near-constant',
    severity: 'warn',
    field: 'work_pressure',
    maxShare: 0.99,
  },
  {
    kind: 'near-constant',
    name: 'job satisfaction is not near-constant',
    severity: 'warn',
    field: 'job_satisfaction',
    maxShare: 0.99,
  },
  {
    kind: 'near-constant',
    name: 'profession is not near-constant',
    severity: 'warn',
    field: 'profession',
    maxShare: 0.99,
  },
];
