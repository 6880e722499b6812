import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/harness/context.js';
import { openDatabase, type DatabaseHandle } from './database.js';
import { migrateDown, migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function open(kind: 'postgres' | 'embedded'): Promise<DatabaseHandle> {
  if (kind === 'postgres') {
    const handle = await openDatabase({ url: await createTestDatabase(), poolSize: 4 }, '.');
    cleanups.push(() => handle.close());
    return handle;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-db-test-'));
  const handle = await openDatabase({ url: 'embedded', poolSize: 1 }, dataDir);
  cleanups.push(async () => {
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return handle;
}

describe.each(['postgres', 'embedded'] as const)('database on %s', (kind) => {
  it('migrates up once, then is a no-op, and migrates down and up again', async () => {
    const { db, kind: actual } = await open(kind);
    expect(actual).toBe(kind);
    const all = Object.keys(migrations);

    const first = await migrateToLatest(db);
    expect(first.applied).toEqual(all);
    expect(first.current).toBe(all.at(-1));

    const second = await migrateToLatest(db);
    expect(second.applied).toEqual([]);

    const down = await migrateDown(db);
    expect(down.applied).toEqual([all.at(-1)]);
    const again = await migrateToLatest(db);
    expect(again.applied).toEqual([all.at(-1)]);
  });

  it('rolls a failed transaction back completely', async () => {
    const handle = await open(kind);
    await migrateToLatest(handle.db);
    const insert = (id: string) =>
      handle.db
        .insertInto('job')
        .values({
          id,
          queue: 'q',
          name: 'n',
          payload: '{}',
          state: 'waiting',
          max_attempts: 1,
          backoff_ms: 0,
        })
        .execute();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('job')
          .values({
            id: 'a',
            queue: 'q',
            name: 'n',
            payload: '{}',
            state: 'waiting',
            max_attempts: 1,
            backoff_ms: 0,
          })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await insert('b');
    const ids = await handle.db.selectFrom('job').select('id').execute();
    expect(ids.map((row) => row.id)).toEqual(['b']);
  });

  it('runs concurrent queries while a transaction is open without mixing them in', async () => {
    const handle = await open(kind);
    await migrateToLatest(handle.db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const trx = handle.db.transaction().execute(async (t) => {
      await sql`select 1`.execute(t);
      await held;
      throw new Error('rollback');
    });
    const outside = handle.ping();
    release();
    await expect(trx).rejects.toThrow('rollback');
    await outside;
  });
});
