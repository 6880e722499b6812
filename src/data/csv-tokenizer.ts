import { csvFormatError } from './csv-format-error.js';

/** One CSV record: its cells as written (double-quoting undone) and the line it starts on. */
export interface CsvRecord {
  cells: string[];
  /** 1-based line of the file the record starts on. */
  line: number;
}

/** A record longer than this many characters (a quote left open, no line breaks) stops the read. */
export const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

/** One record that contains a double quote, read by `readQuotedRecord`. */
interface QuotedRecord {
  cells: string[];
  /** Index just after the record's line break (or the end of the text). */
  next: number;
}

/**
 * Reads, from `start`, one record that contains a double quote, with csv-parse's semantics
 * under `relax_quotes`: a quote opens a quoted cell only at the start of a cell; inside it,
 * `""` is one quote and commas and line breaks are text; a closing quote followed by anything
 * but a comma, line break or the end makes the cell literal text again (quotes kept).
 * Returns `undefined` when the text ends before the record does and `final` is false, and
 * `null` when a quote is still open at the end of the final text.
 */
function readQuotedRecord(
  text: string,
  start: number,
  final: boolean,
): QuotedRecord | null | undefined {
  const cells: string[] = [];
  const length = text.length;
  let pos = start;
  for (;;) {
    // Start of a cell.
    let cell = '';
    if (pos < length && text.charCodeAt(pos) === QUOTE) {
      let from = pos + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return final ? null : undefined;
        cell += text.slice(from, close);
        if (close + 1 >= length && !final) return undefined;
        const after = close + 1 < length ? text.charCodeAt(close + 1) : -1;
        if (after === QUOTE) {
          cell += '"';
          from = close + 2;
          continue;
        }
        pos = close + 1;
        break;
      }
      const after = pos < length ? text.charCodeAt(pos) : -1;
      if (after === CR && pos + 1 >= length && !final) return undefined;
      const ends =
        after === -1 ||
        after === COMMA ||
        after === LF ||
        (after === CR && pos + 1 < length && text.charCodeAt(pos + 1) === LF);
      if (ends) {
        cells.push(cell);
        if (after === COMMA) {
          pos++;
          continue;
        }
        return { cells, next: after === -1 ? pos : pos + (after === CR ? 2 : 1) };
      }
      // A closing quote followed by other text: the cell is literal after all.
      cell = `"${cell}"`;
    }
    // Unquoted (rest of the) cell: up to a comma or a line break; quotes are text here.
    for (;;) {
      if (pos >= length) {
        if (!final) return undefined;
        cells.push(cell);
        return { cells, next: pos };
      }
      const code = text.charCodeAt(pos);
      if (code === COMMA) {
        cells.push(cell);
        pos++;
        break;
      }
      if (code === LF) {
        cells.push(cell);
        return { cells, next: pos + 1 };
      }
      if (code === CR) {
        if (pos + 1 >= length && !final) return undefined;
        if (pos + 1 < length && text.charCodeAt(pos + 1) === LF) {
          cells.push(cell);
          return { cells, next: pos + 2 };
        }
      }
      cell += text[pos];
      pos++;
    }
  }
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * A streaming RFC 4180 CSV tokenizer for comma-separated text: double-quoted cells with `""`
 * escapes and embedded commas and line breaks, LF or CRLF line endings, empty lines skipped.
 * Feed decoded text with `push` (chunks may split records anywhere) and call `end` once; each
 * returns the records completed so far. A line without a double quote takes a fast path
 * (one `split`). Matches csv-parse with `relax_quotes`, `relax_column_count` and
 * `skip_empty_lines`, except that line numbers count line feeds only.
 *
 * @throws a CSV format error (`invalid`) `malformed` for a quote never closed, or a record over MAX_RECORD_CHARS.
 */
export class CsvTokenizer {
  private rest = '';
  /** Line number of the start of `rest`. */
  private line = 1;

  push(text: string): CsvRecord[] {
    return this.read(this.rest.length === 0 ? text : this.rest + text, false);
  }

  end(): CsvRecord[] {
    return this.read(this.rest, true);
  }

  private read(text: string, final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    const length = text.length;
    let pos = 0;
    let line = this.line;
    let quote = text.indexOf('"');
    while (pos < length) {
      let newline = text.indexOf('\n', pos);
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      if (quote === -1 || (newline !== -1 && quote > newline)) {
        // Fast path: a whole line without a double quote.
        if (newline === -1) {
          if (!final) break;
          newline = length;
        }
        let end = newline;
        if (end > pos && text.charCodeAt(end - 1) === CR) end--;
        if (end > pos) records.push({ cells: text.slice(pos, end).split(','), line });
        pos = newline + 1;
        line++;
        continue;
      }
      const record = readQuotedRecord(text, pos, final);
      if (record === undefined) break;
      if (record === null) {
        const opened = line + countLineFeeds(text, pos, quote);
        throw csvFormatError(
          'malformed',
          `Malformed CSV: a double quote opened on line ${opened} is never closed.`,
        );
      }
      records.push({ cells: record.cells, line });
      line += countLineFeeds(text, pos, record.next);
      pos = record.next;
    }
    this.rest = pos < length ? text.slice(pos) : '';
    this.line = line;
    if (this.rest.length > MAX_RECORD_CHARS) {
      const quoteAt = this.rest.indexOf('"');
      throw csvFormatError(
        'malformed',
        quoteAt === -1
          ? `Malformed CSV: line ${line} is longer than ${MAX_RECORD_CHARS} characters; lines must end with LF or CRLF.`
          : `Malformed CSV: a double quote opened on or after line ${line + countLineFeeds(this.rest, 0, quoteAt)} is not closed within ${MAX_RECORD_CHARS} characters.`,
      );
    }
    return records;
  }
}
