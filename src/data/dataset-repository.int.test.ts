import { afterAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { DatasetRepository, type StoredRow } from './dataset-repository.js';
import { SAMPLE_RECORD } from './testing/sample-record.js';

const record = SAMPLE_RECORD;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe.each(databaseBackends)('DatasetRepository on $name', (backend) => {
  it('stores rows in bulk and reads back identical records in order', async () => {
    const { handle, cleanup } = await backend.open();
    cleanups.push(cleanup);
    const repository = new DatasetRepository(handle.db);
    const rows: StoredRow[] = Array.from({ length: 2500 }, (_, i) => ({
      position: i,
      line: i + 2,
      sourceId: String(i * 3),
      record: {
        ...record,
        age: 18 + (i % 40),
        financial_stress: i % 7 === 0 ? null : (i % 5) + 1,
        depression: (i % 2) as 0 | 1,
      },
    }));
    await repository.transaction(async (trx) => {
      await repository.create(trx, {
        id: 'ds_test',
        name: 'test',
        source: 'test.csv',
        contentHash: 'h1',
        fileSha256: 'f1',
        synthetic: false,
        rows: rows.length,
        quarantined: 1,
        positives: 1250,
        validation: { ok: true },
        config: {},
      });
      await repository.insertRows(trx, 'ds_test', rows.slice(0, 1000));
      await repository.insertRows(trx, 'ds_test', rows.slice(1000));
      await repository.insertQuarantine(trx, 'ds_test', [
        { line: 9999, reason: 'age: too small', raw: { Age: '3' } },
      ]);
    });
    const back: StoredRow[] = [];
    for await (const row of repository.rows('ds_test', 700)) back.push(row);
    expect(back).toEqual(rows);
    expect((await repository.resolve('test'))?.id).toBe('ds_test');
    expect((await repository.resolve('ds_test'))?.rows).toBe(2500);
    expect(await repository.quarantine('ds_test')).toEqual([
      { line: 9999, reason: 'age: too small', raw: { Age: '3' } },
    ]);
    expect(await repository.validationReport('ds_test')).toEqual({ ok: true });
  });

  it('stores text that array literals must escape, and exact numbers, unchanged', async () => {
    const { handle, cleanup } = await backend.open();
    cleanups.push(cleanup);
    const repository = new DatasetRepository(handle.db);
    const awkward = [
      'a"b',
      'back\\slash',
      'NULL',
      '{x,y}',
      'c,d',
      ' spaced ',
      'Łódź',
      "it's",
      '\\"',
    ];
    const rows: StoredRow[] = awkward.map((text, i) => ({
      position: i,
      line: i + 2,
      sourceId: i === 0 ? null : text,
      record: {
        ...record,
        city: text,
        degree: `${text}!`,
        cgpa: [0.1 + 0.2, 1 / 3, 9.999999999999998, 5e-324, 0][i % 5],
        financial_stress: i % 2 ? null : 4.75,
      },
    }));
    await repository.transaction(async (trx) => {
      await repository.insertRows(trx, 'ds_awkward', rows);
      await repository.create(trx, {
        id: 'ds_awkward',
        name: 'awkward',
        source: 'awkward.csv',
        contentHash: 'h3',
        fileSha256: null,
        synthetic: false,
        rows: rows.length,
        quarantined: 0,
        positives: 0,
        validation: {},
        config: {},
      });
    });
    const back: StoredRow[] = [];
    for await (const row of repository.rows('ds_awkward')) back.push(row);
    expect(back).toEqual(rows);
  });

  it('leaves nothing behind when the transaction fails', async () => {
    const { handle, cleanup } = await backend.open();
    cleanups.push(cleanup);
    const repository = new DatasetRepository(handle.db);
    await expect(
      repository.transaction(async (trx) => {
        await repository.create(trx, {
          id: 'ds_x',
          name: 'x',
          source: 'x.csv',
          contentHash: 'h2',
          fileSha256: null,
          synthetic: true,
          rows: 1,
          quarantined: 0,
          positives: 0,
          validation: {},
          config: {},
        });
        await repository.insertRows(trx, 'ds_x', [
          { position: 0, line: 2, sourceId: null, record },
        ]);
        throw new Error('crash mid-way');
      }),
    ).rejects.toThrow('crash mid-way');
    expect(await repository.tableCounts()).toEqual({ datasets: 0, rows: 0, quarantined: 0 });
  });
});
