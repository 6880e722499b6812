import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledWorkerUrl } from '../worker-url.js';
import { PGliteWorker } from './pglite-worker.js';

const directories: string[] = [];
const freshDirectory = () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'sdp-pglite-worker-'));
  directories.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('the embedded database in its worker thread', () => {
  it('returns rows with their types, and errors with their PostgreSQL fields', async () => {
    const pglite = new PGliteWorker(freshDirectory());
    try {
      await pglite.waitReady;
      const { rows } = await pglite.query<{ n: number; at: Date; doc: unknown; bytes: Uint8Array }>(
        `select 1::int as n, '2026-11-29T00:00:00Z'::timestamptz as at, '{"a":[1,2]}'::jsonb as doc,
           '\\x0102'::bytea as bytes`,
        [],
      );
      expect(rows[0].n).toBe(1);
      expect(rows[0].at).toEqual(new Date('2026-11-29T00:00:00Z'));
      expect(rows[0].doc).toEqual({ a: [1, 2] });
      expect(Array.from(rows[0].bytes)).toEqual([1, 2]);

      await pglite.query('create table t (k text primary key)', []);
      await pglite.query('insert into t values ($1)', ['x']);
      const duplicate = await pglite.query('insert into t values ($1)', ['x']).catch((e) => e);
      expect(duplicate).toBeInstanceOf(Error);
      expect(duplicate).toMatchObject({ code: '23505', constraint: 't_pkey' });
      expect(String(duplicate.message)).toMatch(/duplicate key/);
    } finally {
      await pglite.close();
    }
    expect(pglite.closed).toBe(true);
    await expect(pglite.query('select 1', [])).rejects.toThrow(/closed/);
  });

  it('does not keep the process alive once idle, even when nobody closes it', () => {
    const worker = compiledWorkerUrl('./pglite-worker.js', import.meta.url).href;
    const script =
      `const { PGliteWorker } = await import(${JSON.stringify(worker)});` +
      `const db = new PGliteWorker(${JSON.stringify(freshDirectory())});` +
      "await db.waitReady; const { rows } = await db.query('select 41 + 1 as n', []);" +
      'console.log(rows[0].n);';
    const file = path.join(freshDirectory(), 'forgets-to-close.mjs');
    writeFileSync(file, script);
    // A process the idle thread kept alive would be killed by the timeout: status null.
    const run = spawnSync(process.execPath, [file], {
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('42');
    expect(run.status).toBe(0);
  });
});
