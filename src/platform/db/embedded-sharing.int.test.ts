import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.js';
import { RemoteEmbeddedPostgres } from './embedded-bridge-client.js';
import type { Database } from './schema.js';
import type { LockHolder } from './embedded-lock.js';

// One process holds an embedded database; others on the same data dir must never open it
// themselves (two PGlite instances on one directory corrupt it) and, when the holder shares
// it, use it through the holder with transactions as isolated as on PostgreSQL.
const opened: DatabaseHandle[] = [];
let dataDir: string;

async function open(share = false): Promise<DatabaseHandle> {
  const handle = await openDatabase({ url: 'embedded', poolSize: 1 }, dataDir, { share });
  opened.push(handle);
  return handle;
}

const names = async (db: Kysely<Database>) =>
  (await sql<{ name: string }>`select name from item order by name`.execute(db)).rows.map(
    (row) => row.name,
  );
const lockHolder = (): LockHolder =>
  JSON.parse(readFileSync(path.join(dataDir, 'sdp.lock'), 'utf8'));

describe('the embedded database beside a running holder', () => {
  afterEach(async () => {
    for (const handle of opened.splice(0).reverse()) await handle.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is never opened twice: a holder that does not share refuses the second opener with its pid', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-lock-'));
    await open();
    await expect(open()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(
        new RegExp(`in use by another sdp process \\(pid ${process.pid}`),
      ),
    });
  });

  it('takes over the lock of a holder that is gone, and frees it on close', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-lock-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(
      path.join(dataDir, 'sdp.lock'),
      JSON.stringify({ pid: gone, command: 'sdp start', socket: null }),
    );
    const handle = await open();
    expect(handle.exclusive).toBe(true);
    expect(lockHolder().pid).toBe(process.pid);
    await handle.close();
    opened.pop();
    // Left by an earlier process that had our pid (a container restarted): stale too.
    writeFileSync(
      path.join(dataDir, 'sdp.lock'),
      JSON.stringify({ pid: process.pid, instance: 'an earlier one', command: 'sdp start' }),
    );
    await open();
  });

  it('shares: a second opener uses the holder’s database, and both see each other’s writes', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-share-'));
    const holder = await open(true);
    expect(lockHolder().socket).toMatch(/sdp.*\.sock$/);
    const client = await open();
    expect(client.exclusive).toBe(false);
    await sql`create table item (name text primary key)`.execute(client.db);
    await sql`insert into item values ('from client')`.execute(client.db);
    await sql`insert into item values ('from holder')`.execute(holder.db);
    expect(await names(holder.db)).toEqual(['from client', 'from holder']);
    expect(await names(client.db)).toEqual(['from client', 'from holder']);
    const result = await client.db
      .insertInto('item' as never)
      .values({ name: 'counted' } as never)
      .executeTakeFirst();
    expect(result.numInsertedOrUpdatedRows).toBe(1n);
  });

  it('isolates a client’s transaction: the holder’s own writes wait for it and survive its rollback', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-share-'));
    const holder = await open(true);
    const client = await open();
    await sql`create table item (name text primary key)`.execute(holder.db);
    let holderWrite: Promise<unknown> | undefined;
    let holderWriteDone = false;
    await expect(
      client.db.transaction().execute(async (trx) => {
        await sql`insert into item values ('uncommitted')`.execute(trx);
        holderWrite = sql`insert into item values ('from holder')`
          .execute(holder.db)
          .then(() => (holderWriteDone = true));
        // Another round trip of the client's: the holder's write had every chance to run.
        await sql`select 1`.execute(trx);
        expect(holderWriteDone).toBe(false);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await holderWrite;
    expect(await names(holder.db)).toEqual(['from holder']);
  });

  it('rolls back a client that disconnects mid-transaction, and frees the database', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-share-'));
    const holder = await open(true);
    await sql`create table item (name text primary key)`.execute(holder.db);
    const remote = new RemoteEmbeddedPostgres({ ...lockHolder(), socket: lockHolder().socket! });
    await remote.waitReady;
    await remote.query('begin', []);
    await remote.query(`insert into item values ('abandoned')`, []);
    await remote.close();
    expect(await names(holder.db)).toEqual([]);
  });

  it('drops a connection that sends garbage, and keeps serving the others', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-share-'));
    const holder = await open(true);
    const client = await open();
    const { socket: socketPath } = lockHolder();
    for (const garbage of [
      Buffer.from([0, 0, 0, 3, 1, 2, 3]), // a frame that does not deserialize
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // a length no frame may have
    ]) {
      const raw = connect(socketPath!);
      await new Promise((resolve) => raw.on('connect', resolve));
      raw.write(garbage);
      await new Promise((resolve) => raw.on('close', resolve));
    }
    const wrongShape = new RemoteEmbeddedPostgres({ ...lockHolder(), socket: socketPath! });
    await wrongShape.waitReady;
    await expect(wrongShape.query(undefined as never, [])).rejects.toThrow('A bridge request is');
    await wrongShape.close();
    expect((await sql<{ one: number }>`select 1 as one`.execute(client.db)).rows).toEqual([
      { one: 1 },
    ]);
    expect((await sql<{ one: number }>`select 1 as one`.execute(holder.db)).rows).toEqual([
      { one: 1 },
    ]);
  });

  it('tells a client whose holder stopped to run the command again', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-share-'));
    const holder = await open(true);
    const client = await open();
    await holder.close();
    opened.shift();
    await expect(sql`select 1`.execute(client.db)).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/stopped .*run the command again|connection is closed/),
    });
  });
});
