import { DEFAULT_EXPECTATIONS } from './expectations.js';
import type { Expectation, ExpectationKind, Severity } from './expectations.js';
import { KAGGLE_COLUMN_OF_FIELD } from './kaggle-columns.js';
import type { RecordField } from './kaggle-columns.js';
import { compileFastCheck } from '../platform/schema-check.js';
import { labelledRespondentSchema } from './record.js';
import type { LabelledRespondent } from './record.js';

/**
 * One row to validate. `KaggleRow` from `readKaggleCsv` fits as is, so a file can be validated
 * while it streams, its rejected rows counting against the schema expectation.
 */
export type ValidationRow =
  | { ok: true; record: LabelledRespondent; sourceId?: string; line?: number }
  | { ok: false; line: number; reason: string };

export type ExpectationStatus = 'pass' | 'warn' | 'fail';

/** A value that broke an expectation, to show the user where to look. */
export interface ValidationExample {
  /** The file line when the rows came from a CSV file, else the 1-based row position. */
  row: number;
  id?: string;
  column?: string;
  value: string;
}

export interface ExpectationResult {
  name: string;
  kind: ExpectationKind;
  severity: Severity;
  status: ExpectationStatus;
  /** Values (or rows) the expectation looked at. */
  checked: number;
  /** How many of them broke it; for dataset-level expectations, the rows behind a breach. */
  failing: number;
  /** The measured statistic of a dataset-level expectation (a share or a rate). */
  observed?: number;
  examples: ValidationExample[];
  detail: string;
}

export interface ValidationReport {
  status: ExpectationStatus;
  rows: number;
  summary: Record<ExpectationStatus, number>;
  expectations: ExpectationResult[];
}

const MAX_EXAMPLES = 5;

/** Where a row is, for examples. */
interface RowPlace {
  row: number;
  id?: string;
}

/** Streaming state of one expectation: sees each row once, then reports. */
interface Accumulator {
  observe(record: LabelledRespondent, place: RowPlace): void;
  /** Rows the CSV reader already rejected; only the schema expectation counts them. */
  observeRejected?(reason: string, place: RowPlace): void;
  result(): Omit<ExpectationResult, 'name' | 'kind' | 'severity' | 'status'> & {
    breached: boolean;
  };
}

/** Counts checked and failing values and keeps the first few examples. */
class Tally {
  checked = 0;
  failing = 0;
  readonly examples: ValidationExample[] = [];

  check(ok: boolean, place: RowPlace, value: () => string, column?: string): void {
    this.checked++;
    if (ok) return;
    this.failing++;
    if (this.examples.length < MAX_EXAMPLES) {
      this.examples.push({ ...place, ...(column === undefined ? {} : { column }), value: value() });
    }
  }
}

const columnOf = (field: RecordField): string => KAGGLE_COLUMN_OF_FIELD[field];
const show = (value: unknown): string => (value === null ? 'missing' : String(value));
const percent = (share: number): string =>
  `${(share * 100).toFixed(share < 0.001 && share > 0 ? 3 : 2)}%`;

/*
 * The closures that describe a failure are made in these helpers, not in the `observe`
 * functions: a variable captured anywhere in a function is heap-allocated on every call, and
 * `observe` runs for every row and expectation.
 */
function failValue(tally: Tally, place: RowPlace, value: unknown, field: RecordField): void {
  tally.check(false, place, () => show(value), columnOf(field));
}

function failRepeated(tally: Tally, place: RowPlace, first: number): void {
  tally.check(false, place, () => `${place.id} (first on row ${first})`, 'id');
}

function checkWithZod(tally: Tally, record: LabelledRespondent, place: RowPlace): void {
  const parsed = labelledRespondentSchema.safeParse(record);
  tally.check(parsed.success, place, () =>
    parsed.success
      ? ''
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  );
}

function rowLevel(
  test: (record: LabelledRespondent) => boolean,
  field: RecordField,
  describe: (tally: Tally) => string,
): Accumulator {
  const tally = new Tally();
  return {
    observe(record, place) {
      const value = record[field];
      if (value === null) return; // missing values are the missing-share expectation's business
      if (test(record)) tally.checked++;
      else failValue(tally, place, value, field);
    },
    result: () => ({
      checked: tally.checked,
      failing: tally.failing,
      examples: tally.examples,
      detail: describe(tally),
      breached: tally.failing > 0,
    }),
  };
}

/** "all 120 values are within 1–5" or "3 of 120 values are not within 1–5". */
function counted(tally: Tally, noun: string, passing: string, failing: string): string {
  return tally.failing === 0
    ? `all ${tally.checked} ${noun} ${passing}`
    : `${tally.failing} of ${tally.checked} ${noun} ${failing}`;
}

/** The schema compiled for the common case (see platform/schema-check.ts); zod decides the rest. */
const fastSchemaCheck = compileFastCheck(labelledRespondentSchema);

function schemaAccumulator(): Accumulator {
  const tally = new Tally();
  return {
    observe(record, place) {
      if (fastSchemaCheck?.(record as unknown as Record<string, unknown>)) tally.checked++;
      else checkWithZod(tally, record, place);
    },
    observeRejected(reason, place) {
      tally.check(false, place, () => reason);
    },
    result: () => ({
      checked: tally.checked,
      failing: tally.failing,
      examples: tally.examples,
      detail: counted(tally, 'rows', 'match', 'do not match'),
      breached: tally.failing > 0,
    }),
  };
}

/**
 * The key under which an id is remembered: a plain decimal integer (the published ids) as a
 * number, which takes no string memory (a million ids are a million map entries and nothing
 * else), anything else as itself. A number never equals a string key, and a canonical integer
 * has one spelling, so two ids get the same key exactly when they are equal.
 */
function idKey(id: string): number | string {
  const length = id.length;
  if (length === 0 || length > 15) return id;
  const first = id.charCodeAt(0);
  if (first === 48) return length === 1 ? 0 : id; // "0", or a leading zero
  if (first < 49 || first > 57) return id;
  for (let i = 1; i < length; i++) {
    const code = id.charCodeAt(i);
    if (code < 48 || code > 57) return id;
  }
  return Number(id);
}

/** A copy of a string that shares no memory with the (possibly much longer) text it was cut from. */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function uniqueIdsAccumulator(): Accumulator {
  const tally = new Tally();
  const firstRowOfId = new Map<number | string, number>();
  return {
    observe(_record, place) {
      if (place.id === undefined) return;
      const key = idKey(place.id);
      const first = firstRowOfId.get(key);
      if (first === undefined) {
        firstRowOfId.set(typeof key === 'string' ? detached(key) : key, place.row);
        tally.checked++;
        return;
      }
      failRepeated(tally, place, first);
    },
    result: () => ({
      checked: tally.checked,
      failing: tally.failing,
      examples: tally.examples,
      detail:
        tally.checked === 0
          ? 'no ids to check'
          : tally.failing === 0
            ? `${tally.checked} ids, all unique`
            : `${tally.failing} repeated ids among ${tally.checked}`,
      breached: tally.failing > 0,
    }),
  };
}

function missingShareAccumulator(fields: readonly RecordField[], maxShare: number): Accumulator {
  let rows = 0;
  const missing = new Map<RecordField, number>(fields.map((field) => [field, 0]));
  const examples: ValidationExample[] = [];
  return {
    observe(record, place) {
      rows++;
      for (const field of fields) {
        if (record[field] !== null) continue;
        missing.set(field, (missing.get(field) ?? 0) + 1);
        if (examples.length < MAX_EXAMPLES)
          examples.push({ ...place, column: columnOf(field), value: 'missing' });
      }
    },
    result() {
      const shares = fields.map((field) => ({ field, count: missing.get(field) ?? 0 }));
      const worst = shares.reduce((a, b) => (b.count > a.count ? b : a), shares[0]);
      const over = shares.filter(({ count }) => rows > 0 && count / rows > maxShare);
      const worstShare = rows === 0 || !worst ? 0 : worst.count / rows;
      const total = shares.reduce((sum, { count }) => sum + count, 0);
      return {
        checked: rows * fields.length,
        failing: total,
        observed: worstShare,
        examples,
        detail:
          total === 0
            ? `no missing values in ${fields.length} columns`
            : over.length > 0
              ? `over ${percent(maxShare)} missing in ${over.map(({ field, count }) => `${columnOf(field)} (${percent(count / rows)})`).join(', ')}`
              : `most missing: ${columnOf(worst.field)} ${worst.count} of ${rows} (${percent(worstShare)})`,
        breached: over.length > 0,
      };
    },
  };
}

function labelBalanceAccumulator(min: number, max: number): Accumulator {
  let rows = 0;
  let positives = 0;
  return {
    observe(record) {
      rows++;
      if (record.depression === 1) positives++;
    },
    result() {
      const rate = rows === 0 ? Number.NaN : positives / rows;
      const breached = !(rate >= min && rate <= max);
      return {
        checked: rows,
        failing: breached ? rows : 0,
        observed: rate,
        examples: [],
        detail:
          rows === 0
            ? 'no rows'
            : `positive rate ${rate.toFixed(3)} (${positives} of ${rows}), expected in [${min}, ${max}]`,
        breached,
      };
    },
  };
}

function nearConstantAccumulator(field: RecordField, maxShare: number): Accumulator {
  let rows = 0;
  const counts = new Map<unknown, number>();
  return {
    observe(record) {
      const value = record[field];
      if (value === null) return;
      rows++;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    },
    result() {
      let top: unknown = undefined;
      let topCount = 0;
      for (const [value, count] of counts) if (count > topCount) [top, topCount] = [value, count];
      const share = rows === 0 ? 0 : topCount / rows;
      const breached = share > maxShare;
      return {
        checked: rows,
        failing: breached ? topCount : 0,
        observed: share,
        examples: [],
        detail:
          rows === 0
            ? 'no values'
            : `most common value ${show(top)} on ${percent(share)} of rows (limit ${percent(maxShare)})`,
        breached,
      };
    },
  };
}

function accumulatorFor(expectation: Expectation): Accumulator {
  switch (expectation.kind) {
    case 'schema':
      return schemaAccumulator();
    case 'unique-ids':
      return uniqueIdsAccumulator();
    case 'value-set': {
      const allowed = new Set<unknown>(expectation.values);
      return rowLevel(
        (record) => allowed.has(record[expectation.field]),
        expectation.field,
        (tally) => {
          const set = expectation.values.join(', ');
          return counted(tally, 'values', `are one of ${set}`, `are not one of ${set}`);
        },
      );
    }
    case 'range': {
      const { field, min, max } = expectation;
      return rowLevel(
        (record) => {
          const value = record[field] as number;
          return value >= min && value <= max;
        },
        field,
        (tally) =>
          counted(tally, 'values', `are within ${min}–${max}`, `are outside ${min}–${max}`),
      );
    }
    case 'forbidden-values': {
      const forbidden = new Set<unknown>(expectation.values);
      return rowLevel(
        (record) => !forbidden.has(record[expectation.field]),
        expectation.field,
        (tally) =>
          tally.failing === 0
            ? `none of ${tally.checked} values is ${expectation.values.join(' or ')}`
            : `${tally.failing} of ${tally.checked} values are ${expectation.values.join(' or ')}`,
      );
    }
    case 'missing-share':
      return missingShareAccumulator(expectation.fields, expectation.maxShare);
    case 'label-balance':
      return labelBalanceAccumulator(expectation.min, expectation.max);
    case 'near-constant':
      return nearConstantAccumulator(expectation.field, expectation.maxShare);
  }
}

/**
 * A validation pass in progress: feed rows one at a time (`add`), then `finish` for the
 * report. Memory is constant per expectation except `unique-ids`, which keeps the ids seen.
 */
export class ValidationRun {
  private readonly accumulators: { expectation: Expectation; accumulator: Accumulator }[];
  private rows = 0;

  constructor(readonly expectations: readonly Expectation[] = DEFAULT_EXPECTATIONS) {
    const names = new Set<string>();
    for (const { name } of expectations) {
      if (names.has(name)) throw new Error(`Duplicate expectation name '${name}'`);
      names.add(name);
    }
    this.accumulators = expectations.map((expectation) => ({
      expectation,
      accumulator: accumulatorFor(expectation),
    }));
  }

  add(row: ValidationRow): void {
    this.rows++;
    const place: RowPlace = { row: row.line ?? this.rows };
    if (!row.ok) {
      for (const { accumulator } of this.accumulators)
        accumulator.observeRejected?.(row.reason, place);
      return;
    }
    if (row.sourceId !== undefined) place.id = row.sourceId;
    for (const { accumulator } of this.accumulators) accumulator.observe(row.record, place);
  }

  finish(): ValidationReport {
    const expectations = this.accumulators.map(
      ({ expectation, accumulator }): ExpectationResult => {
        const { breached, ...result } = accumulator.result();
        const status: ExpectationStatus = !breached
          ? 'pass'
          : expectation.severity === 'fail'
            ? 'fail'
            : 'warn';
        return {
          name: expectation.name,
          kind: expectation.kind,
          severity: expectation.severity,
          status,
          ...result,
        };
      },
    );
    const summary = { pass: 0, warn: 0, fail: 0 };
    for (const { status } of expectations) summary[status]++;
    const status: ExpectationStatus =
      summary.fail > 0 ? 'fail' : summary.warn > 0 ? 'warn' : 'pass';
    return { status, rows: this.rows, summary, expectations };
  }
}

/**
 * Evaluates expectations over rows in one pass; rows may stream (an async iterable such as
 * `readKaggleCsv(…)`).
 *
 * @example
 * const report = await validateRows(readKaggleCsv(createReadStream(path)));
 * if (report.status === 'fail') process.exitCode = 1;
 */
export async function validateRows(
  rows: Iterable<ValidationRow> | AsyncIterable<ValidationRow>,
  expectations: readonly Expectation[] = DEFAULT_EXPECTATIONS,
): Promise<ValidationReport> {
  const run = new ValidationRun(expectations);
  for await (const row of rows) run.add(row);
  return run.finish();
}

/** Synchronous form for records already in memory; `ids` (same order) enable the unique-ids check. */
export function validateRecords(
  records: readonly LabelledRespondent[],
  options: { ids?: readonly string[]; expectations?: readonly Expectation[] } = {},
): ValidationReport {
  const run = new ValidationRun(options.expectations);
  records.forEach((record, index) => {
    const sourceId = options.ids?.[index];
    run.add(sourceId === undefined ? { ok: true, record } : { ok: true, record, sourceId });
  });
  return run.finish();
}
