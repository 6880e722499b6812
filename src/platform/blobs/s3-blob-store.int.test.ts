import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testS3 } from '../../../test/harness/context.js';
import { blobStoreConformance } from './blob-store.conformance.js';
import { createBlobStore } from './create-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

// s3rver accepts this fixed key pair; real deployments use the SDK's credential chain.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const MiB = 1024 * 1024;

blobStoreConformance('s3 (s3rver)', async () => {
  const { endpoint, bucket, prefix } = testS3();
  const store = createBlobStore(
    {
      url: `s3://${bucket}/${prefix}`,
      s3: { endpoint, region: 'us-east-1', forcePathStyle: true },
    },
    '.',
    // The smallest legal part size, so the multi-megabyte test goes up in several parts,
    // and small pages, so the listing tests cross page boundaries.
    { s3: { credentials, partSize: 5 * MiB, listPageSize: 5 } },
  );
  return { store, cleanup: () => deleteAll(store) };
});

describe('S3BlobStore against s3rver', () => {
  let commands: string[];
  let client: S3Client;
  let spoolDirectory: string;
  let bucket: string;
  let prefix: string;
  let store: S3BlobStore;
  /** Makes the named command fail on its n-th call, to test failure handling. */
  let failOn: { command: string; call: number } | undefined;

  function openStore(options: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
    return new S3BlobStore({
      client,
      bucket,
      prefix,
      spoolDirectory,
      partSize: 5 * MiB,
      ...options,
    });
  }

  beforeEach(() => {
    const s3 = testS3();
    ({ bucket, prefix } = s3);
    commands = [];
    failOn = undefined;
    client = newClient(s3.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'unknown';
        commands.push(command);
        const calls = commands.filter((name) => name === command).length;
        if (failOn && failOn.command === command && failOn.call === calls) {
          throw new Error(`injected failure of ${command} #${calls}`);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    spoolDirectory = mkdtempSync(path.join(tmpdir(), 'sdp-spool-'));
    store = openStore();
  });

  afterEach(async () => {
    await deleteAll(store);
    await store.close();
    rmSync(spoolDirectory, { recursive: true, force: true });
  });

  it('records the SHA-256 and content type as object metadata under the prefix', async () => {
    const { sha256 } = await store.put('m/pipeline.json', '{}', {
      contentType: 'application/json',
    });

    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}/m/pipeline.json` }),
    );

    expect(head.Metadata?.sha256).toBe(sha256);
    expect(head.ContentType).toBe('application/json');
    expect(commands).toContain('PutObjectCommand');
  });

  it('sends small bodies in one PutObject and large ones as a multipart upload', async () => {
    await store.put('small', Buffer.alloc(5 * MiB, 1));
    expect(commands).toEqual(['PutObjectCommand']);
    commands.length = 0;

    const result = await store.put(
      'large',
      Readable.from([Buffer.alloc(7 * MiB, 2), Buffer.alloc(5 * MiB, 3)]),
    );

    expect(commands).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(await store.stat('large')).toMatchObject({ size: 12 * MiB, sha256: result.sha256 });
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('aborts the multipart upload and stores nothing when a part fails', async () => {
    failOn = { command: 'UploadPartCommand', call: 2 };

    await expect(store.put('large', Buffer.alloc(11 * MiB, 4))).rejects.toThrow(
      'injected failure of UploadPartCommand #2',
    );

    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(await store.exists('large')).toBe(false);
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('sends nothing and keeps no spool file when a large body stream fails', async () => {
    const failing = Readable.from(
      (async function* () {
        for (let i = 0; i < 8; i++) yield Buffer.alloc(MiB, i);
        throw new Error('source failed');
      })(),
    );

    await expect(store.put('large', failing)).rejects.toThrow('source failed');

    expect(commands).toEqual([]);
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('reads a long listing page by page', async () => {
    const paged = openStore({ listPageSize: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `p/k${i}`);
    await Promise.all(keys.map((key) => paged.put(key, 'x')));
    commands.length = 0;

    const listed = [];
    for await (const entry of paged.list('p/')) listed.push(entry.key);

    expect(listed).toEqual(keys);
    expect(commands.filter((name) => name === 'ListObjectsCommand')).toHaveLength(4);
  });

  it('computes the hash of objects written by other tools', async () => {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/foreign`, Body: 'abc' }),
    );

    const stat = await store.stat('foreign');

    expect(stat?.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('tells a missing bucket apart from a missing key', async () => {
    const nowhere = openStore({ bucket: 'no-such-bucket-sdp' });

    await expect(nowhere.ping()).rejects.toThrow();
    const error = await nowhere.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toMatchObject({ code: 'blob_not_found' });
  });

  it('rejects keys that would exceed S3’s key length together with the prefix', async () => {
    // Each part is within the 512 characters allowed; together with the "/" they make 1025.
    const deep = openStore({ prefix: `${'p'.repeat(200)}/${'q'.repeat(200)}/${'r'.repeat(110)}` });

    await expect(
      deep.put(`${'k'.repeat(200)}/${'l'.repeat(200)}/${'m'.repeat(110)}`, 'x'),
    ).rejects.toThrow(/longer than S3's 1024 bytes/);
  });

  it('fails ping when the server is unreachable', async () => {
    const unreachable = new S3BlobStore({ client: newClient('http://127.0.0.1:9'), bucket });

    await expect(unreachable.ping()).rejects.toThrow();
    await unreachable.close();
  });
});

function newClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Every test works under its own prefix; this leaves the shared bucket as it found it. One
 * delete at a time: s3rver prunes its own empty folders after a delete and answers
 * InternalError when two deletes race to remove the same folder.
 */
async function deleteAll(store: S3BlobStore | ReturnType<typeof createBlobStore>): Promise<void> {
  const keys = [];
  for await (const entry of store.list()) keys.push(entry.key);
  for (const key of keys) await store.delete(key);
}
