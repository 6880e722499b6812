import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { loadConfig } from '../app/config.js';
import { DatasetRepository } from './dataset-repository.js';
import { isDomainError } from '../errors.js';
import { ingestCsvFile } from './ingest.js';
import { formatKaggleCsv } from './kaggle-csv.js';
import { generateSynthetic } from './synth.js';
import { validateRecords } from './validate.js';

const { config } = loadConfig({ env: {} });
const settings = config.data;
const dir = mkdtempSync(path.join(tmpdir(), 'sdp-ingest-'));
const HEADER =
  'id,Gender,Age,City,Profession,Academic Pressure,Work Pressure,CGPA,Study Satisfaction,Job Satisfaction,Sleep Duration,Dietary Habits,Degree,Have you ever had suicidal thoughts ?,Work/Study Hours,Financial Stress,Family History of Mental Illness,Depression';
const row = (id: number, age = '24.0', label = id % 2) =>
  `${id},Female,${age},Pune,Student,${(id % 5) + 1}.0,0.0,7.5,3.0,0.0,'5-6 hours',Moderate,BSc,${id % 3 ? 'Yes' : 'No'},6.0,${(id % 5) + 1}.0,No,${label}`;

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

const goodRows = Array.from({ length: 40 }, (_, i) => row(i + 1));
const badFiles: [string, string, () => string | Buffer, RegExp][] = [
  [
    'a missing column',
    'missing.csv',
    () => [HEADER.replace(',CGPA', ''), ...goodRows.map((r) => r.replace(',7.5', ''))].join('\n'),
    /CGPA/,
  ],
  [
    'a renamed column',
    'renamed.csv',
    () => [HEADER.replace('CGPA', 'GPA'), ...goodRows].join('\n'),
    /CGPA/,
  ],
  ['an empty file', 'empty.csv', () => '', /empty/i],
  [
    'a binary file',
    'binary.csv',
    () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe, 0, 1]),
    /binary|not a CSV|text/i,
  ],
  [
    'a wrong delimiter',
    'semicolon.csv',
    () => [HEADER, ...goodRows].join('\n').replaceAll(',', ';'),
    /semicolon/i,
  ],
  [
    'mostly invalid rows',
    'invalid.csv',
    () =>
      [HEADER, ...goodRows.map((r, i) => (i < 30 ? r.replace(',24.0,', ',7.0,') : r))].join('\n'),
    /30 of 40 rows/,
  ],
  [
    'a broken row half-way',
    'broken.csv',
    () => [HEADER, ...goodRows, '41,"Female,unclosed', ...goodRows].join('\n'),
    /quote|Malformed/i,
  ],
  [
    'a failing expectation (one label only)',
    'onelabel.csv',
    () => [HEADER, ...goodRows.map((_, i) => row(i + 1, '24.0', 1))].join('\n'),
    /positive rate/,
  ],
];

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe.each(databaseBackends)('ingest on $name', async (backend) => {
  const { handle, cleanup } = await backend.open();
  cleanups.push(cleanup);
  const repository = new DatasetRepository(handle.db);
  const ingest = (target: string, extra = {}) =>
    ingestCsvFile(repository, target, { settings, config, ...extra });

  it.each(badFiles)(
    'refuses %s with one clear message and stores nothing',
    async (_what, name, content, message) => {
      const error = await ingest(file(name, content())).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      expect(isDomainError(error, 'invalid')).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(await repository.tableCounts()).toEqual({ datasets: 0, rows: 0, quarantined: 0 });
    },
  );

  it('refuses a file over the size limit before reading it', async () => {
    const target = file('big.csv', [HEADER, ...goodRows].join('\n'));
    await expect(ingest(target, { settings: { ...settings, maxFileBytes: 100 } })).rejects.toThrow(
      /over the limit of 100 B/,
    );
    await expect(ingest(path.join(dir, 'nope.csv'))).rejects.toThrow(/no such file/);
    expect(await repository.tableCounts()).toEqual({ datasets: 0, rows: 0, quarantined: 0 });
  });

  it('stores valid rows, quarantines invalid ones with reasons, and stores a file once', async () => {
    const lines = [
      HEADER,
      ...goodRows.slice(0, 20),
      row(99, '7.0'),
      ...goodRows.slice(20),
      row(100, 'old'),
    ];
    const target = file('some-bad.csv', lines.join('\r\n'));
    const first = await ingest(target, { name: 'pilot' });
    expect(first).toMatchObject({ name: 'pilot', rows: 40, quarantined: 2, created: true });
    const quarantine = await repository.quarantine(first.datasetId);
    expect(quarantine.map((q) => q.line)).toEqual([22, 43]);
    expect(quarantine[0].reason).toMatch(/Age/);
    expect(quarantine[1].reason).toMatch(/Age.*old/);

    const again = await ingest(target);
    expect(again).toMatchObject({ datasetId: first.datasetId, created: false });
    const counts = await repository.tableCounts();
    expect(counts).toMatchObject({ datasets: 1, rows: 40, quarantined: 2 });
  });
});

// Both published variants of one set of records (synthetic, so this runs everywhere; the
// data tier checks the same of the real file): ingest must store them as one dataset.
const variantRecords = [...generateSynthetic({ rows: 2_000, seed: 4 })];
const variantIds = variantRecords.map((_, i) => String(i + 1));

describe('ingest of both published variants', () => {
  it.each(databaseBackends)(
    'stores every row on $name, and the unquoted variant is the same dataset',
    async (backend) => {
      const { handle, cleanup } = await backend.open();
      cleanups.push(cleanup);
      const repository = new DatasetRepository(handle.db);
      const quoted = file(
        'quoted.csv',
        formatKaggleCsv(variantRecords, { variant: 'quoted', ids: variantIds }),
      );
      expect(readFileSync(quoted, 'utf8')).toContain("'");
      const first = await ingestCsvFile(repository, quoted, { settings, config });
      expect(first).toMatchObject({ rows: 2_000, quarantined: 0, created: true });
      expect(first.validation.status).toBe(validateRecords(variantRecords).status);

      const unquoted = file(
        'unquoted.csv',
        formatKaggleCsv(variantRecords, { variant: 'unquoted', ids: variantIds }).replaceAll(
          '\n',
          '\r\n',
        ),
      );
      expect(readFileSync(unquoted, 'utf8')).not.toContain("'");
      const second = await ingestCsvFile(repository, unquoted, {
        settings,
        config,
        name: 'other name',
      });
      expect(second).toMatchObject({
        datasetId: first.datasetId,
        contentHash: first.contentHash,
        created: false,
      });
      expect(await repository.tableCounts()).toEqual({ datasets: 1, rows: 2_000, quarantined: 0 });

      const stored = [];
      for await (const stored_ of repository.rows(first.datasetId)) stored.push(stored_.record);
      expect(stored).toEqual(variantRecords);
    },
    120_000,
  );
});
