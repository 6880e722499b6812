/**
 * The real Kaggle file as published: every row reads, nothing is lost on the way in or back
 * out, and both published variants give the same records.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatKaggleCsv,
  loadKaggleCsvFile,
  normalisedRecordHash,
  readKaggleCsv,
} from '../../src/data/kaggle-csv.js';
import { FEATURE_NAMES } from '../../src/data/record.js';
import { datasetFile, needsDataset } from '../harness/dataset.js';

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the published file ($SDP_DATASET)', needsDataset, () => {
  let loaded: Awaited<ReturnType<typeof loadKaggleCsvFile>>;
  beforeAll(async () => {
    loaded = await loadKaggleCsvFile(datasetFile());
  });

  it('holds 22,320 valid rows with unique ids, missing values only in Financial Stress (3)', () => {
    expect(loaded.rejected).toEqual([]);
    expect(loaded.records).toHaveLength(22_320);
    expect(new Set(loaded.ids).size).toBe(22_320);
    expect(loaded.records.filter((record) => record.financial_stress === null)).toHaveLength(3);
    const missing = FEATURE_NAMES.filter((name) =>
      loaded.records.some((record) => record[name] === null),
    );
    expect(missing).toEqual(['financial_stress']);
  });

  it('written back in the quoted variant, reproduces the file byte for byte', () => {
    const rewritten = formatKaggleCsv(loaded.records, { variant: 'quoted', ids: loaded.ids });
    expect(sha256(rewritten)).toBe(sha256(readFileSync(datasetFile())));
  });

  it('converted to the other published variant (no quotes, empty cells; with BOM and CRLF), reads back to identical records', async () => {
    const unquoted = formatKaggleCsv(loaded.records, { variant: 'unquoted', ids: loaded.ids });
    // It really is the other variant: no single quotes, and missing values as empty cells.
    const rows = unquoted.split('\n').slice(1);
    expect(rows.some((row) => row.includes("'") || row.includes('?'))).toBe(false);
    expect(rows.filter((row) => row.includes(',,'))).toHaveLength(3);
    const bytes = Buffer.from(`\uFEFF${unquoted.replaceAll('\n', '\r\n')}`);
    const records = [];
    for await (const row of readKaggleCsv(Readable.from([bytes]))) {
      expect(row.ok).toBe(true);
      if (row.ok) records.push(row.record);
    }
    expect(records).toEqual(loaded.records);
    // The content hash that ingest keys datasets by is the same, so both are one dataset.
    expect(normalisedRecordHash(records)).toBe(normalisedRecordHash(loaded.records));
  });
});
