import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { formatKaggleCsv, normalisedRecordHash, readKaggleCsv } from './kaggle-csv.js';
import type { KaggleRow, KaggleRowRejected } from './kaggle-csv.js';
import type { LabelledRespondent } from './record.js';

const HEADER =
  'id,Gender,Age,City,Profession,Academic Pressure,Work Pressure,CGPA,Study Satisfaction,Job Satisfaction,Sleep Duration,Dietary Habits,Degree,Have you ever had suicidal thoughts ?,Work/Study Hours,Financial Stress,Family History of Mental Illness,Depression';

// Made-up rows in the two published styles (not taken from the dataset).
const QUOTED_ROWS = [
  "1,Male,21.0,Pune,Student,3.0,0.0,7.25,4.0,0.0,'5-6 hours',Healthy,'Class 12',Yes,6.0,2.0,No,1",
  "2,Female,30.0,'New Delhi',Student,1.0,0.0,9.0,2.0,0.0,Others,Moderate,MSc,No,10.0,?,Yes,0",
];
const UNQUOTED_ROWS = [
  '1,Male,21,Pune,Student,3,0,7.25,4,0,5-6 hours,Healthy,Class 12,Yes,6,2,No,1',
  '2,Female,30,New Delhi,Student,1,0,9,2,0,Others,Moderate,MSc,No,10,,Yes,0',
];
const EXPECTED: LabelledRespondent[] = [
  {
    gender: 'Male',
    age: 21,
    city: 'Pune',
    profession: 'Student',
    academic_pressure: 3,
    work_pressure: 0,
    cgpa: 7.25,
    study_satisfaction: 4,
    job_satisfaction: 0,
    sleep_duration: '5-6 hours',
    dietary_habits: 'Healthy',
    degree: 'Class 12',
    suicidal_thoughts: 'Yes',
    work_study_hours: 6,
    financial_stress: 2,
    family_history: 'No',
    depression: 1,
  },
  {
    gender: 'Female',
    age: 30,
    city: 'New Delhi',
    profession: 'Student',
    academic_pressure: 1,
    work_pressure: 0,
    cgpa: 9,
    study_satisfaction: 2,
    job_satisfaction: 0,
    sleep_duration: 'Others',
    dietary_habits: 'Moderate',
    degree: 'MSc',
    suicidal_thoughts: 'No',
    work_study_hours: 10,
    financial_stress: null,
    family_history: 'Yes',
    depression: 0,
  },
];

async function readAll(input: string | Buffer | Buffer[], options = {}): Promise<KaggleRow[]> {
  const chunks = Array.isArray(input)
    ? input
    : [typeof input === 'string' ? Buffer.from(input) : input];
  const rows: KaggleRow[] = [];
  for await (const row of readKaggleCsv(Readable.from(chunks), options)) rows.push(row);
  return rows;
}

function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** One valid unquoted row with one column replaced. */
function rowWith(column: string, value: string): string {
  const names = HEADER.split(',');
  const cells = UNQUOTED_ROWS[0].split(',');
  cells[names.indexOf(column)] = value;
  return cells.join(',');
}

async function rejection(line: string): Promise<KaggleRowRejected> {
  const [row] = await readAll(csv(HEADER, line));
  if (row.ok) throw new Error('expected the row to be rejected');
  return row;
}

async function formatError(input: string | Buffer | Buffer[], options = {}): Promise<DomainError> {
  const error = await readAll(input, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('readKaggleCsv: both published variants', () => {
  it('reads the quoted variant (single quotes, ? for missing, 33.0)', async () => {
    const rows = await readAll(csv(HEADER, ...QUOTED_ROWS));
    expect(rows).toEqual([
      { line: 2, sourceId: '1', ok: true, record: EXPECTED[0] },
      { line: 3, sourceId: '2', ok: true, record: EXPECTED[1] },
    ]);
  });

  it('reads the unquoted variant (bare values, empty for missing, 33) to identical records', async () => {
    const rows = await readAll(csv(HEADER, ...UNQUOTED_ROWS));
    expect(rows.map((row) => row.ok && row.record)).toEqual(EXPECTED);
  });

  it('ignores a UTF-8 BOM, CRLF line endings, blank lines and a missing final newline', async () => {
    const text = `\uFEFF${HEADER}\r\n${QUOTED_ROWS[0]}\r\n\r\n${QUOTED_ROWS[1]}`;
    const rows = await readAll(text);
    expect(rows.map((row) => row.ok && row.record)).toEqual(EXPECTED);
    expect(rows.map((row) => row.line)).toEqual([2, 4]);
  });

  it('copes with chunks that split a line and a multi-byte character', async () => {
    const text = Buffer.from(csv(HEADER, rowWith('City', 'Łódź')));
    const chunks = [...text].map((byte) => Buffer.from([byte]));
    const [row] = await readAll(chunks);
    expect(row.ok && row.record.city).toBe('Łódź');
  });

  it('matches columns by name, so their order does not matter', async () => {
    const names = HEADER.split(',');
    const cells = UNQUOTED_ROWS[0].split(',');
    const order = names.map((_, i) => i).reverse();
    const rows = await readAll(
      csv(order.map((i) => names[i]).join(','), order.map((i) => cells[i]).join(',')),
    );
    expect(rows[0].ok && rows[0].record).toEqual(EXPECTED[0]);
  });

  it('reads a double-quoted cell with a comma (standard CSV quoting)', async () => {
    const [row] = await readAll(csv(HEADER, rowWith('City', '"Pune, Maharashtra"')));
    expect(row.ok && row.record.city).toBe('Pune, Maharashtra');
  });

  it('reads an empty or `?` cell of an optional survey factor as a missing value', async () => {
    const [city, cgpa] = await readAll(csv(HEADER, rowWith('City', ''), rowWith('CGPA', '?')));
    expect(city.ok && city.record.city).toBeNull();
    expect(cgpa.ok && cgpa.record.cgpa).toBeNull();
  });

  it('numbers rows by the file line they start on, counting the header as line 1', async () => {
    const rows = await readAll(csv(HEADER, '', rowWith('City', '"Pune\nEast"'), UNQUOTED_ROWS[1]));
    expect(rows.map((row) => row.line)).toEqual([3, 5]);
  });
});

describe('readKaggleCsv: row errors name the column and the value', () => {
  it.each([
    ['Age', 'abc', "Age: 'abc' is not a number"],
    ['Age', '0x1f', "Age: '0x1f' is not a number"],
    ['Age', '120', "Age: '120' is above the maximum 100"],
    ['CGPA', '-1', "CGPA: '-1' is below the minimum 0"],
    ['Academic Pressure', '6.0', "Academic Pressure: '6.0' is above the maximum 5"],
    [
      'Sleep Duration',
      "'9 hours'",
      "Sleep Duration: '9 hours' is not one of 'Less than 5 hours', '5-6 hours', '7-8 hours', 'More than 8 hours', 'Others'",
    ],
    ['Gender', 'Other', "Gender: 'Other' is not one of 'Male', 'Female'"],
    ['Depression', '2', "Depression: '2' is not 0 or 1"],
    ['Depression', '?', 'Depression: missing value'],
    ['Profession', '', 'Profession: missing value'],
    ['Sleep Duration', '?', 'Sleep Duration: missing value'],
    ['id', '', 'id: missing value'],
  ])('%s = %s', async (column, value, reason) => {
    const row = await rejection(rowWith(column, value));
    expect(row.reason).toBe(reason);
    expect(row.line).toBe(2);
  });

  it('lists every bad column of a row, in column order', async () => {
    const line = rowWith('Depression', '7').replace(',21,', ',old,');
    expect((await rejection(line)).reason).toBe(
      "Age: 'old' is not a number; Depression: '7' is not 0 or 1",
    );
  });

  it('rejects a NUL character past the sniffed first KB, keeping a storable copy of the row', async () => {
    const good = Array.from({ length: 20 }, () => UNQUOTED_ROWS[0]);
    const rows = await readAll(
      csv(HEADER, ...good, rowWith('City', 'Pu\u0000ne'), rowWith('id', '7\u0000')),
    );
    expect(csv(HEADER, ...good).length).toBeGreaterThan(1024);
    expect(rows.filter((row) => row.ok)).toHaveLength(20);
    const [city, id] = rows.filter((row) => !row.ok);
    expect(city.reason).toBe(
      "City: 'Pu\uFFFDne' must not contain NUL characters or unpaired surrogates",
    );
    expect(city.raw.City).toBe('Pu\uFFFDne');
    expect(id.reason).toBe('id: must not contain NUL characters or unpaired surrogates');
    expect(id.raw.id).toBe('7\uFFFD');
  });

  it('rejects a row with the wrong number of columns and keeps its cells', async () => {
    const row = await rejection(UNQUOTED_ROWS[0].split(',').slice(0, 17).join(','));
    expect(row.reason).toBe('expected 18 columns, found 17');
    expect(row.raw.Gender).toBe('Male');
    const longer = await rejection(`${UNQUOTED_ROWS[0]},extra`);
    expect(longer.reason).toBe('expected 18 columns, found 19');
    expect(longer.raw['column 19']).toBe('extra');
  });

  it('accepts 0.0 and 1.0 as labels and a missing Financial Stress as null', async () => {
    const rows = await readAll(
      csv(HEADER, rowWith('Depression', '1.0'), rowWith('Financial Stress', '?')),
    );
    expect(
      rows.map((row) => row.ok && [row.record.depression, row.record.financial_stress]),
    ).toEqual([
      [1, 2],
      [1, null],
    ]);
  });
});

describe('readKaggleCsv: whole-file errors throw one CSV format error', () => {
  it.each([
    ['an empty file', '', 'empty', 'The CSV file is empty.'],
    ['a BOM and blank lines only', '\uFEFF\n\r\n  \n', 'empty', 'The CSV file is empty.'],
    [
      'a header without rows',
      `${HEADER}\n`,
      'empty',
      'The CSV file has a header but no data rows.',
    ],
  ])('%s', async (_name, text, problem, message) => {
    const error = await formatError(text);
    expect(error.code).toBe(problem);
    expect(error.message).toBe(message);
  });

  it('a binary file (NUL bytes in the first KB)', async () => {
    const error = await formatError(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    );
    expect(error.code).toBe('binary');
    expect(error.message).toMatch(/NUL byte at byte 9/);
  });

  it.each([
    ['UTF-16', Buffer.from(`\uFEFF${HEADER}`, 'utf16le'), /UTF-16/],
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /gzip/],
    ['an Excel workbook', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 1)]), /Excel/],
  ])('%s, with advice', async (_name, bytes, advice) => {
    const error = await formatError(bytes);
    expect(error.code).toBe('binary');
    expect(error.message).toMatch(advice);
  });

  it('text that is not UTF-8 (Latin-1) in the first KB', async () => {
    const error = await formatError(Buffer.from(csv(HEADER, rowWith('City', 'Kraków')), 'latin1'));
    expect(error.code).toBe('encoding');
    expect(error.message).toMatch(/^Not UTF-8 text: .*save the file as UTF-8 CSV\.$/);
  });

  it('invalid UTF-8 after the first KB', async () => {
    const rows = Array.from({ length: 30 }, () => UNQUOTED_ROWS[0]);
    const text = Buffer.from(csv(HEADER, ...rows, rowWith('City', 'Kraków')), 'latin1');
    expect((await formatError(text)).code).toBe('encoding');
  });

  it.each([
    [';', 'semicolons'],
    ['\t', 'tabs'],
  ])('a wrong delimiter (%j)', async (delimiter, named) => {
    const swap = (line: string) => line.replaceAll(',', delimiter);
    const error = await formatError(csv(swap(HEADER), swap(UNQUOTED_ROWS[0])));
    expect(error.code).toBe('delimiter');
    expect(error.message).toContain(`separated by ${named}`);
    expect(error.message).toContain('must be comma-separated');
  });

  it('a renamed column, with the closest expected name', async () => {
    const error = await formatError(csv(HEADER.replace('CGPA', 'GPA'), UNQUOTED_ROWS[0]));
    expect(error.code).toBe('header');
    expect(error.message).toBe(
      "CSV header does not match the Student Depression Dataset: unknown column 'GPA' (did you mean 'CGPA'?).",
    );
  });

  it('a missing column and a duplicated one', async () => {
    const header = HEADER.replace(',Dietary Habits', ',Gender');
    const error = await formatError(csv(header, UNQUOTED_ROWS[0]));
    expect(error.message).toBe(
      "CSV header does not match the Student Depression Dataset: missing column 'Dietary Habits'; duplicate column 'Gender'.",
    );
  });

  it('some other CSV file altogether', async () => {
    const error = await formatError(csv('name,score,grade', 'a,1,B'));
    expect(error.message).toMatch(/only 0 of its 18 columns found/);
  });

  it('a single-column text file, without quoting its content back', async () => {
    const error = await formatError('root:$y$secret-hash\nsecond line\n');
    expect(error.code).toBe('header');
    expect(error.message).toMatch(/single column; expected 18/);
    expect(error.message).not.toContain('secret');
  });

  it('a file larger than maxBytes, stopped while streaming', async () => {
    const chunk = Buffer.from(`${UNQUOTED_ROWS[0]}\n`.repeat(100));
    let chunksRead = 0;
    async function* endless() {
      yield Buffer.from(`${HEADER}\n`);
      for (;;) {
        chunksRead++;
        yield chunk;
      }
    }
    const error = await (async () => {
      try {
        for await (const _row of readKaggleCsv(endless(), { maxBytes: 50_000 })) void _row;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('too-large');
    expect((error as DomainError).message).toBe(
      'The CSV file is larger than the limit of 50000 bytes.',
    );
    expect(chunksRead).toBeLessThan(10);
  });

  it('an unclosed double quote', async () => {
    const error = await formatError(
      csv(HEADER, UNQUOTED_ROWS[0], rowWith('City', '"Pune'), UNQUOTED_ROWS[1]),
    );
    expect(error.code).toBe('malformed');
    expect(error.message).toBe('Malformed CSV: a double quote opened on line 3 is never closed.');
  });
});

describe('formatKaggleCsv and normalisedRecordHash', () => {
  it('writes both published variants byte for byte', () => {
    const ids = ['1', '2'];
    expect(formatKaggleCsv(EXPECTED, { variant: 'quoted', ids })).toBe(csv(HEADER, ...QUOTED_ROWS));
    expect(formatKaggleCsv(EXPECTED, { variant: 'unquoted', ids })).toBe(
      csv(HEADER, ...UNQUOTED_ROWS),
    );
  });

  it('round-trips values that need standard CSV quoting', async () => {
    const record = { ...EXPECTED[0], city: 'Pune, "East"', degree: "Master's" };
    for (const variant of ['quoted', 'unquoted'] as const) {
      const rows = await readAll(formatKaggleCsv([record], { variant }));
      expect(rows).toEqual([{ line: 2, sourceId: '1', ok: true, record }]);
    }
  });

  it('neutralises text that a spreadsheet would run as a formula (OWASP CSV injection)', () => {
    for (const city of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)']) {
      const line = formatKaggleCsv([{ ...EXPECTED[0], city }], { variant: 'unquoted' }).split(
        '\n',
      )[1];
      const cell = line.split(',')[3].replace(/^"/, '');
      expect(cell.startsWith("'"), city).toBe(true);
    }
    const plain = formatKaggleCsv([EXPECTED[0]], { variant: 'unquoted' });
    expect(plain).not.toContain("'");
  });

  it('hashes records, not bytes: both variants hash alike, any change does not', async () => {
    const quoted = await readAll(csv(HEADER, ...QUOTED_ROWS));
    const unquoted = await readAll(`\uFEFF${HEADER}\r\n${UNQUOTED_ROWS.join('\r\n')}`);
    const records = (rows: KaggleRow[]) => rows.flatMap((row) => (row.ok ? [row.record] : []));
    expect(normalisedRecordHash(records(quoted))).toBe(normalisedRecordHash(records(unquoted)));
    expect(normalisedRecordHash(records(quoted))).toMatch(/^[0-9a-f]{64}$/);
    expect(normalisedRecordHash([{ ...EXPECTED[0], cgpa: 7.26 }, EXPECTED[1]])).not.toBe(
      normalisedRecordHash(EXPECTED),
    );
    const reordered = Object.fromEntries(
      Object.entries(EXPECTED[0]).reverse(),
    ) as LabelledRespondent;
    expect(normalisedRecordHash([reordered])).toBe(normalisedRecordHash([EXPECTED[0]]));
  });
});
