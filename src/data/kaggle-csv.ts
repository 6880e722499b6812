import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { closest } from '../config/suggest.js';
import { decodeCsvText } from './csv-byte-guard.js';
import { csvFormatError } from './csv-format-error.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import {
  KAGGLE_COLUMN_OF_FIELD,
  KAGGLE_HEADER,
  KAGGLE_ID_COLUMN,
  NUMERIC_FIELDS,
  RECORD_FIELDS,
} from './kaggle-columns.js';
import type { RecordField } from './kaggle-columns.js';
import { compileFieldChecks, REJECT, type FieldCheck } from '../platform/schema-check.js';
import { labelledRespondentSchema } from './record.js';
import { isStorableText, STORABLE_TEXT_MESSAGE, toStorableText } from '../platform/text.js';
import type { LabelledRespondent } from './record.js';

export type { CsvFormatProblem } from './csv-format-error.js';
export { formatKaggleCsv, formatKaggleCsvLines } from './kaggle-csv-format.js';
export type { KaggleCsvVariant, FormatKaggleCsvOptions } from './kaggle-csv-format.js';
export { normalisedRecordHash, createRecordHasher } from './record-hash.js';

/** A row that became a valid record. `line` is the file line the row starts on (header = line 1). */
export interface KaggleRowAccepted {
  line: number;
  sourceId: string;
  ok: true;
  record: LabelledRespondent;
}

/** A row that did not: `reason` names each bad column and value; `raw` holds the cells by column name. */
export interface KaggleRowRejected {
  line: number;
  ok: false;
  reason: string;
  raw: Record<string, string>;
}

export type KaggleRow = KaggleRowAccepted | KaggleRowRejected;

export interface ReadKaggleCsvOptions {
  /** Stop with a `too-large` CSV format error once more bytes than this are read. Default 1 GiB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_CSV_BYTES = 1024 ** 3;

/** Text tokenized per batch of rows: about 400 rows of the published file. */
const BATCH_CHARS = 64 * 1024;

/** A cell after unwrapping: `null` is a missing value (`?` or empty). */
type Cell = string | null;

const MISSING_MARKER = '?';
const SUSPECT_DELIMITERS: [string, string][] = [
  [';', 'semicolon'],
  ['\t', 'tab'],
  ['|', 'pipe'],
];

const SINGLE_QUOTE = 39;

/**
 * Normalises one cell of either published variant: surrounding whitespace and the
 * single-quote wrapping of the OpenML-style variant go, and `?` or empty means missing.
 * (Double-quoted cells are unwrapped by the tokenizer first, so `"'x'"` also reads as `x`;
 * the published files have no double-quoted cells.)
 */
function unwrapCell(value: string): Cell {
  const trimmed = value.trim();
  const length = trimmed.length;
  if (length === 0 || trimmed === MISSING_MARKER) return null;
  if (
    length >= 2 &&
    trimmed.charCodeAt(0) === SINGLE_QUOTE &&
    trimmed.charCodeAt(length - 1) === SINGLE_QUOTE
  )
    return trimmed.slice(1, -1);
  return trimmed;
}

/**
 * The record schema compiled to one check per field (see platform/schema-check.ts), in schema key
 * order: the fast path of `toRow`. Rows it refuses go through zod for the exact reasons;
 * `undefined` (schema not compilable) means every row goes through zod.
 */
const FAST_CHECKS = compileFieldChecks(labelledRespondentSchema);

/** Strict decimal number: rejects what `Number()` would quietly accept ('', '0x1f', 'Infinity'). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** For the fast path: per record field, its column, whether it is numeric, and its check. */
interface FastPlan {
  columns: number[];
  numeric: boolean[];
  checks: FieldCheck[];
}

interface ColumnPlan {
  /** Position of the id column in the file. */
  idIndex: number;
  /** Position in the file of each record field. */
  indexOfField: Record<RecordField, number>;
  header: string[];
  fast?: FastPlan;
}

function quoteName(name: string): string {
  return `'${name}'`;
}

/** Checks the header and works out where each field is, so column order does not matter. */
function planColumns(header: string[]): ColumnPlan {
  if (header.length === 1) {
    const suspect = SUSPECT_DELIMITERS.find(([char]) => header[0].includes(char));
    if (suspect) {
      throw csvFormatError(
        'delimiter',
        `Wrong delimiter: the header is separated by ${suspect[1]}s ('${suspect[0] === '\t' ? '\\t' : suspect[0]}'); the file must be comma-separated.`,
      );
    }
    throw csvFormatError(
      'header',
      // The header's text is not quoted back: the message reaches job results and logs.
      `CSV header has a single column; expected ${KAGGLE_HEADER.length} comma-separated columns starting with 'id,Gender,Age'.`,
    );
  }
  const expected = new Set(KAGGLE_HEADER);
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  const unexpected: string[] = [];
  header.forEach((name, index) => {
    if (seen.has(name)) duplicates.push(name);
    else seen.set(name, index);
    if (!expected.has(name)) unexpected.push(name);
  });
  const missing = KAGGLE_HEADER.filter((name) => !seen.has(name));
  if (missing.length > 0 || unexpected.length > 0 || duplicates.length > 0) {
    if (missing.length > KAGGLE_HEADER.length / 2) {
      throw csvFormatError(
        'header',
        `CSV header does not match the Student Depression Dataset: only ${KAGGLE_HEADER.length - missing.length} of its ${KAGGLE_HEADER.length} columns found (expected 'id,Gender,Age,City,…,Depression').`,
      );
    }
    const parts: string[] = [];
    const suggested = new Set<string>();
    for (const name of unexpected) {
      const suggestion = closest(name, missing);
      if (suggestion) suggested.add(suggestion);
      parts.push(
        `unknown column ${quoteName(name)}${suggestion ? ` (did you mean ${quoteName(suggestion)}?)` : ''}`,
      );
    }
    const unmatched = missing.filter((name) => !suggested.has(name));
    if (unmatched.length > 0)
      parts.push(
        `missing column${unmatched.length > 1 ? 's' : ''} ${unmatched.map(quoteName).join(', ')}`,
      );
    for (const name of duplicates) parts.push(`duplicate column ${quoteName(name)}`);
    throw csvFormatError(
      'header',
      `CSV header does not match the Student Depression Dataset: ${parts.join('; ')}.`,
    );
  }
  const indexOfField = Object.fromEntries(
    RECORD_FIELDS.map((field) => [field, seen.get(KAGGLE_COLUMN_OF_FIELD[field]) as number]),
  ) as Record<RecordField, number>;
  const fast: FastPlan | undefined =
    FAST_PATH && FAST_CHECKS
      ? {
          columns: RECORD_FIELDS.map((field) => indexOfField[field]),
          numeric: RECORD_FIELDS.map((field) => NUMERIC_FIELDS.has(field)),
          checks: FAST_CHECKS.checks,
        }
      : undefined;
  return { idIndex: seen.get(KAGGLE_ID_COLUMN) as number, indexOfField, header, fast };
}

/** The cells by column name, made storable: the quarantine keeps them, bad bytes included. */
function rawCells(cells: Cell[], header: string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  cells.forEach((cell, index) => {
    raw[toStorableText(header[index] ?? `column ${index + 1}`)] = toStorableText(cell ?? '');
  });
  return raw;
}

/** One reason per bad field, naming the published column and the value found. */
function describeIssue(issue: z.core.$ZodIssue, cellOf: (field: RecordField) => Cell): string {
  const field = issue.path[0] as RecordField;
  const column = KAGGLE_COLUMN_OF_FIELD[field] ?? String(field);
  const cell = cellOf(field);
  if (cell === null) return `${column}: missing value`;
  const value = `'${cell}'`;
  const numeric = NUMERIC_FIELDS.has(field);
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number'
        ? `${column}: ${value} is not a number`
        : `${column}: ${value} ${issue.message}`;
    case 'too_big':
      return numeric
        ? `${column}: ${value} is above the maximum ${String(issue.maximum)}`
        : `${column}: ${value} is longer than ${String(issue.maximum)} characters`;
    case 'too_small':
      return numeric
        ? `${column}: ${value} is below the minimum ${String(issue.minimum)}`
        : `${column}: value is empty`;
    case 'invalid_value':
      return `${column}: ${value} is not one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
    case 'invalid_union':
      return field === 'depression'
        ? `${column}: ${value} is not 0 or 1`
        : `${column}: ${value} is invalid`;
    default:
      return `${column}: ${value} ${issue.message}`;
  }
}

/** A number cell as the schema sees it: unparseable text stays a string, for its message. */
function numberOrText(cell: string): number | string {
  return DECIMAL.test(cell) ? Number(cell) : cell;
}

/** A record from its values in RECORD_FIELDS order, built as one literal (one allocation). */
function recordFromValues(v: unknown[]): LabelledRespondent {
  return {
    gender: v[0],
    age: v[1],
    city: v[2],
    profession: v[3],
    academic_pressure: v[4],
    work_pressure: v[5],
    cgpa: v[6],
    study_satisfaction: v[7],
    job_satisfaction: v[8],
    sleep_duration: v[9],
    dietary_habits: v[10],
    degree: v[11],
    suicidal_thoughts: v[12],
    work_study_hours: v[13],
    financial_stress: v[14],
    family_history: v[15],
    depression: v[16],
  } satisfies Record<RecordField, unknown> as LabelledRespondent;
}

/**
 * The fast path applies when the compiled checks and the literal above follow RECORD_FIELDS,
 * which is also the order of zod's output keys (the schema's).
 */
const FAST_PATH =
  FAST_CHECKS !== undefined &&
  FAST_CHECKS.keys.join() === RECORD_FIELDS.join() &&
  Object.keys(recordFromValues([])).join() === RECORD_FIELDS.join();

/** Field values of the row being checked, reused from row to row. */
const scratch: unknown[] = [];

/** The record when every field passes the compiled checks, else `undefined`. */
function fastRecord(cells: Cell[], fast: FastPlan): LabelledRespondent | undefined {
  const { columns, numeric, checks } = fast;
  for (let i = 0; i < checks.length; i++) {
    const cell = cells[columns[i]];
    const value = checks[i](cell !== null && numeric[i] ? numberOrText(cell) : cell);
    if (value === REJECT) return undefined;
    scratch[i] = value;
  }
  return recordFromValues(scratch);
}

/** Turns the cells of one data row into a record or a precise rejection. */
function toRow(cells: Cell[], line: number, plan: ColumnPlan): KaggleRow {
  if (cells.length !== plan.header.length) {
    return {
      line,
      ok: false,
      reason: `expected ${plan.header.length} columns, found ${cells.length}`,
      raw: rawCells(cells, plan.header),
    };
  }
  const sourceId = cells[plan.idIndex];
  const idIsStorable = sourceId === null || isStorableText(sourceId);
  if (plan.fast && sourceId !== null && idIsStorable) {
    const record = fastRecord(cells, plan.fast);
    if (record) return { line, sourceId, ok: true, record };
  }
  const candidate: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    const cell = cells[plan.indexOfField[field]];
    if (cell !== null && NUMERIC_FIELDS.has(field)) {
      // An unparseable number stays a string so the schema reports it against its column.
      candidate[field] = numberOrText(cell);
    } else {
      candidate[field] = cell;
    }
  }
  const parsed = labelledRespondentSchema.safeParse(candidate);
  const reasons: string[] = [];
  if (sourceId === null) reasons.push(`${KAGGLE_ID_COLUMN}: missing value`);
  if (!idIsStorable) reasons.push(`${KAGGLE_ID_COLUMN}: ${STORABLE_TEXT_MESSAGE}`);
  if (!parsed.success) {
    const cellOf = (field: RecordField): Cell => cells[plan.indexOfField[field]];
    const byColumnOrder = [...parsed.error.issues].sort(
      (a, b) =>
        plan.indexOfField[a.path[0] as RecordField] - plan.indexOfField[b.path[0] as RecordField],
    );
    for (const issue of byColumnOrder) reasons.push(describeIssue(issue, cellOf));
  }
  if (!parsed.success || sourceId === null || !idIsStorable) {
    const reason = toStorableText(reasons.join('; '));
    return { line, ok: false, reason, raw: rawCells(cells, plan.header) };
  }
  return { line, sourceId, ok: true, record: parsed.data };
}

/**
 * Streams the rows of a Kaggle Student Depression CSV file, in either published variant
 * (single-quoted values with `?` for missing, or bare values with empty cells), with or
 * without a UTF-8 BOM, LF or CRLF line endings, `33` or `33.0` number formatting.
 * Columns are matched by name, so their order does not matter.
 *
 * Bad rows are yielded as `ok: false` with a reason; whole-file problems (empty, binary,
 * not UTF-8, wrong delimiter, header mismatch, too large, unclosed quote) throw one
 * a CSV format error, possibly after earlier rows were yielded, so an ingest should be one
 * transaction.
 *
 * @example
 * for await (const row of readKaggleCsv(createReadStream('dev.csv'))) {
 *   if (row.ok) store(row.sourceId, row.record);
 *   else report(`line ${row.line}: ${row.reason}`);
 * }
 */
export async function* readKaggleCsv(
  input: Readable | AsyncIterable<Buffer | string>,
  options: ReadKaggleCsvOptions = {},
): AsyncGenerator<KaggleRow> {
  for await (const rows of readKaggleCsvBatches(input, options)) yield* rows;
}

/**
 * `readKaggleCsv` in batches: the rows of each chunk of input (about 1 MiB when reading a file
 * with `highWaterMark: 1 << 20`) as one array, which saves the per-row cost of an async
 * iteration for callers that handle many rows.
 *
 * @throws a CSV format error (`invalid`) as `readKaggleCsv`.
 */
export async function* readKaggleCsvBatches(
  input: Readable | AsyncIterable<Buffer | string>,
  options: ReadKaggleCsvOptions = {},
): AsyncGenerator<KaggleRow[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CSV_BYTES;
  const tokenizer = new CsvTokenizer();
  let plan: ColumnPlan | undefined;
  let dataRows = 0;
  const toRows = (records: CsvRecord[]): KaggleRow[] => {
    const rows: KaggleRow[] = [];
    for (const { cells: values, line } of records) {
      // Unwrapped in place: one array less per row.
      const cells = values as Cell[];
      for (let i = 0; i < values.length; i++) cells[i] = unwrapCell(values[i]);
      if (!plan) {
        plan = planColumns(cells.map((cell) => cell ?? ''));
        continue;
      }
      rows.push(toRow(cells, line, plan));
    }
    dataRows += rows.length;
    return rows;
  };
  for await (const text of decodeCsvText(input, { maxBytes })) {
    // Slices of the chunk, so a batch's rows are few enough to die young (cheap scavenges).
    for (let from = 0; from < text.length; from += BATCH_CHARS) {
      const rows = toRows(tokenizer.push(text.slice(from, from + BATCH_CHARS)));
      if (rows.length > 0) yield rows;
    }
  }
  const rows = toRows(tokenizer.end());
  if (rows.length > 0) yield rows;
  if (!plan) throw csvFormatError('empty', 'The CSV file is empty.');
  if (dataRows === 0) throw csvFormatError('empty', 'The CSV file has a header but no data rows.');
}

/** Everything read from one file: valid records with their source ids (same order), and rejected rows. */
export interface LoadedKaggleCsv {
  records: LabelledRespondent[];
  ids: string[];
  rejected: KaggleRowRejected[];
}

/**
 * Reads a whole Kaggle CSV file into memory (22k rows ≈ a few MB); use `readKaggleCsv` to stream.
 *
 * @throws a CSV format error (`invalid`) for whole-file problems.
 */
export async function loadKaggleCsvFile(
  path: string,
  options: ReadKaggleCsvOptions = {},
): Promise<LoadedKaggleCsv> {
  const loaded: LoadedKaggleCsv = { records: [], ids: [], rejected: [] };
  for await (const row of readKaggleCsv(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    options,
  )) {
    if (row.ok) {
      loaded.records.push(row.record);
      loaded.ids.push(row.sourceId);
    } else {
      loaded.rejected.push(row);
    }
  }
  return loaded;
}
