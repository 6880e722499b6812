import { KAGGLE_HEADER, NUMERIC_FIELDS, RECORD_FIELDS } from './kaggle-columns.js';
import type { LabelledRespondent } from './record.js';

/**
 * The two published byte formats: `quoted` is `student_depression_dataset.csv` (values with
 * spaces in single quotes, `?` for missing, floats as `33.0`); `unquoted` is
 * `Student Depression Dataset.csv` (bare values, empty cells for missing, `33`).
 */
export type KaggleCsvVariant = 'quoted' | 'unquoted';

export interface FormatKaggleCsvOptions {
  variant: KaggleCsvVariant;
  /** Source ids for the `id` column, in record order; default 1, 2, 3, … */
  ids?: Iterable<string>;
}

/** Needs standard CSV quoting in either variant; the published data never does. */
const NEEDS_DOUBLE_QUOTES = /[",\r\n]/;

function formatNumber(value: number, field: string, variant: KaggleCsvVariant): string {
  // The quoted variant comes from Python floats: every scale and count is written as `N.0`.
  if (variant === 'quoted' && field !== 'depression' && Number.isInteger(value))
    return value.toFixed(1);
  return String(value);
}

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such
 * text gets a leading `'`, as OWASP advises, so it opens as text. The published data has none.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function formatText(text: string, variant: KaggleCsvVariant): string {
  const value = FORMULA_START.test(text) ? `'${text}` : text;
  if (NEEDS_DOUBLE_QUOTES.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return variant === 'quoted' && value.includes(' ') ? `'${value}'` : value;
}

function formatRow(id: string, record: LabelledRespondent, variant: KaggleCsvVariant): string {
  const cells = [formatText(id, variant)];
  for (const field of RECORD_FIELDS) {
    const value = record[field];
    if (value === null) cells.push(variant === 'quoted' ? '?' : '');
    else if (NUMERIC_FIELDS.has(field)) cells.push(formatNumber(value as number, field, variant));
    else cells.push(formatText(String(value), variant));
  }
  return cells.join(',');
}

/**
 * Writes records in a published Kaggle format, one line at a time (header first, LF endings),
 * so a million synthetic rows can be streamed to a file: `Readable.from(formatKaggleCsvLines(…))`.
 * Reading the output with `readKaggleCsv` gives back the same records, except text values
 * the format cannot carry (exactly `?`, wrapped in single quotes, with surrounding spaces, or
 * starting like a formula; the published data has none), which read back as missing,
 * unwrapped, trimmed or with the `'` that neutralised the formula.
 */
export function* formatKaggleCsvLines(
  records: Iterable<LabelledRespondent>,
  options: FormatKaggleCsvOptions,
): Generator<string> {
  yield `${KAGGLE_HEADER.join(',')}\n`;
  const ids = options.ids?.[Symbol.iterator]();
  let index = 0;
  for (const record of records) {
    index++;
    const next = ids?.next();
    if (next?.done)
      throw new RangeError(`formatKaggleCsv: ${index - 1} ids for more records than that`);
    yield `${formatRow(next ? next.value : String(index), record, options.variant)}\n`;
  }
}

/**
 * Writes records as one CSV string in a published Kaggle format.
 *
 * @example
 * const text = formatKaggleCsv(records, { variant: 'unquoted', ids });
 */
export function formatKaggleCsv(
  records: Iterable<LabelledRespondent>,
  options: FormatKaggleCsvOptions,
): string {
  return [...formatKaggleCsvLines(records, options)].join('');
}
