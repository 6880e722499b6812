import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobStoreConformance } from './blob-store.conformance.js';
import { FsBlobStore } from './fs-blob-store.js';

blobStoreConformance('filesystem', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sdp-blobs-'));
  return {
    store: new FsBlobStore(path.join(root, 'store')),
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe('FsBlobStore on disk', () => {
  let root: string;
  let store: FsBlobStore;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'sdp-blobs-'));
    store = new FsBlobStore(root);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the content as an ordinary file at the key’s path', async () => {
    await store.put('datasets/v1/train.csv', 'a,b\n');

    expect(await readFile(path.join(root, 'datasets', 'v1', 'train.csv'), 'utf8')).toBe('a,b\n');
  });

  it('lists in byte order of whole keys, as S3 does, not folder by folder', async () => {
    for (const key of ['a/1', 'a.txt', 'a-b/2', 'a0']) await store.put(key, 'x');

    const keys = [];
    for await (const entry of store.list()) keys.push(entry.key);

    expect(keys).toEqual(['a-b/2', 'a.txt', 'a/1', 'a0']);
  });

  it('describes itself as a file URL of its root', () => {
    expect(store.describe()).toBe(`file://${root}`);
  });

  it('leaves no temporary files after a failed body stream', async () => {
    await store.put('dir/existing', 'keep me');
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(50_000, 1);
        throw new Error('boom');
      })(),
    );

    await expect(store.put('dir/new', failing)).rejects.toThrow('boom');

    expect((await readdir(path.join(root, 'dir'))).sort()).toEqual([
      '.existing.meta.json',
      'existing',
    ]);
  });

  it('leaves only content and sidecar after a successful put', async () => {
    await store.put('dir/one', 'x');
    await store.put('dir/one', 'y');

    expect((await readdir(path.join(root, 'dir'))).sort()).toEqual(['.one.meta.json', 'one']);
  });

  it('removes folders emptied by delete, up to but not including the root', async () => {
    await store.put('a/b/c/d', 'x');
    await store.put('a/keep', 'x');

    await store.delete('a/b/c/d');

    expect(await readdir(root)).toEqual(['a']);
    expect((await readdir(path.join(root, 'a'))).sort()).toEqual(['.keep.meta.json', 'keep']);
    await store.delete('a/keep');
    expect(await readdir(root)).toEqual([]);
  });

  it('rehashes a file changed behind its back instead of trusting the stale sidecar', async () => {
    await store.put('model.json', '{"version":1}');
    // Same size and inode, so only the modification time gives the edit away.
    await writeFile(path.join(root, 'model.json'), '{"version":2}');

    const stat = await store.stat('model.json');

    expect(stat?.sha256).toBe(sha256('{"version":2}'));
  });

  it('hashes and lists files copied into the root by hand, ignoring unaddressable names', async () => {
    await mkdir(path.join(root, 'manual'));
    await writeFile(path.join(root, 'manual', 'data.csv'), 'x\n');
    await writeFile(path.join(root, 'manual', 'has space.csv'), 'x\n');

    const keys = [];
    for await (const entry of store.list()) keys.push(entry.key);
    const stat = await store.stat('manual/data.csv');

    expect(keys).toEqual(['manual/data.csv']);
    expect(stat).toMatchObject({
      size: 2,
      sha256: sha256('x\n'),
      contentType: 'application/octet-stream',
    });
  });

  it('ignores a corrupt sidecar', async () => {
    await store.put('k', 'content');
    await writeFile(path.join(root, '.k.meta.json'), '{not json');

    expect((await store.stat('k'))?.sha256).toBe(sha256('content'));
  });

  it('refuses a key below an existing blob, naming the blob in the way', async () => {
    await store.put('a/b', 'x');

    const error = await store.put('a/b/c', 'y').catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'conflict', code: 'blob_key_conflict' });
    expect((error as Error).message).toContain('folder "a/b"');
    expect((await readdir(path.join(root, 'a'))).sort()).toEqual(['.b.meta.json', 'b']);
  });

  it('refuses a key that is a folder of other blobs', async () => {
    await store.put('a/b', 'x');

    await expect(store.put('a', 'y')).rejects.toMatchObject({ code: 'blob_key_conflict' });
    expect(await readdir(root)).toEqual(['a']);
    expect((await store.getBuffer('a/b')).toString()).toBe('x');
  });

  it('treats a folder as no blob in get, stat and delete', async () => {
    await store.put('folder/inner', 'x');

    await expect(store.get('folder')).rejects.toThrow('Blob "folder" not found');
    expect(await store.stat('folder')).toBeUndefined();
    await store.delete('folder');
    expect(await store.exists('folder/inner')).toBe(true);
  });

  it('creates its root on ping', async () => {
    const nested = new FsBlobStore(path.join(root, 'not', 'yet'));

    await nested.ping();

    expect(await readdir(path.join(root, 'not'))).toEqual(['yet']);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
