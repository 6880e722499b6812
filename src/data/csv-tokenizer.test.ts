import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { CsvTokenizer, MAX_RECORD_CHARS, type CsvRecord } from './csv-tokenizer.js';

/** Tokenizes `text` fed in pieces of `size` characters (every split point gets exercised). */
function tokenize(text: string, size = text.length || 1): CsvRecord[] {
  const tokenizer = new CsvTokenizer();
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size)
    records.push(...tokenizer.push(text.slice(i, i + size)));
  records.push(...tokenizer.end());
  return records;
}

const cells = (text: string, size?: number) => tokenize(text, size).map((record) => record.cells);

describe('CsvTokenizer', () => {
  it.each([1, 2, 3, 7, 1000])('gives the same records whatever the chunk size (%i)', (size) => {
    const text = 'a,b\r\n"c,1","d""e"\n\n"multi\nline",\'x\'\nlast,row';
    expect(tokenize(text, size)).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['c,1', 'd"e'], line: 2 },
      { cells: ['multi\nline', "'x'"], line: 4 },
      { cells: ['last', 'row'], line: 6 },
    ]);
  });

  it.each([
    ['quotes inside an unquoted cell are text', 'ab"c,d\n', [['ab"c', 'd']]],
    ['text after a closing quote keeps the quotes', '"ab"cd,e\n', [['"ab"cd', 'e']]],
    ['an empty quoted cell', '"",x\n', [['', 'x']]],
    ['a line of one empty quoted cell is not empty', '""\n', [['']]],
    ['empty cells', ',,\n', [['', '', '']]],
    ['a lone CR is text', 'a\rb,c\n', [['a\rb', 'c']]],
    ['CRLF inside quotes is text', '"a\r\nb",c\r\n', [['a\r\nb', 'c']]],
    ['a quoted cell at the very end', 'a,"b"', [['a', 'b']]],
  ])('%s', (_name, text, expected) => {
    for (const size of [1, 2, text.length]) expect(cells(text, size)).toEqual(expected);
  });

  it('names the line of a double quote that is never closed', () => {
    const error = (() => {
      try {
        tokenize('a,b\nc,d\ne,"f\ng,h\n', 3);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('malformed');
    expect((error as DomainError).message).toBe(
      'Malformed CSV: a double quote opened on line 3 is never closed.',
    );
  });

  it('stops at a record longer than MAX_RECORD_CHARS instead of buffering the file', () => {
    const tokenizer = new CsvTokenizer();
    tokenizer.push('a,b\n"open');
    const chunk = 'x'.repeat(1 << 16);
    expect(() => {
      for (let read = 0; read <= MAX_RECORD_CHARS; read += chunk.length) tokenizer.push(chunk);
    }).toThrow(/double quote opened on or after line 2 is not closed within 1048576 characters/);
    const lines = new CsvTokenizer();
    expect(() => {
      for (let read = 0; read <= MAX_RECORD_CHARS; read += chunk.length) lines.push(chunk);
    }).toThrow(/line 1 is longer than 1048576 characters; lines must end with LF or CRLF/);
  });
});
