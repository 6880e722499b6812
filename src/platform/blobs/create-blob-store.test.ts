import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlobStoreUrl } from './blob-store-url.js';
import { createBlobStore } from './create-blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

const s3 = { endpoint: '', region: 'us-east-1', forcePathStyle: false };

describe('parseBlobStoreUrl', () => {
  it('puts "file" under the data directory', () => {
    expect(parseBlobStoreUrl('file', './data')).toEqual({
      kind: 'file',
      root: path.resolve('data', 'blobs'),
    });
  });

  it('takes the path of an absolute file URL, decoding escapes', () => {
    expect(parseBlobStoreUrl('file:///srv/sdp%20blobs/', './data')).toEqual({
      kind: 'file',
      root: '/srv/sdp blobs',
    });
  });

  it('splits an s3 URL into bucket and prefix', () => {
    expect(parseBlobStoreUrl('s3://sdp-artifacts/prod/v1/', '.')).toEqual({
      kind: 's3',
      bucket: 'sdp-artifacts',
      prefix: 'prod/v1',
    });
    expect(parseBlobStoreUrl('s3://sdp-artifacts', '.')).toEqual({
      kind: 's3',
      bucket: 'sdp-artifacts',
      prefix: '',
    });
  });

  it.each([
    ['ftp://host/x', 'unknown scheme'],
    ['blobs', 'unknown scheme'],
    ['file://relative/dir', 'absolute path'],
    ['file:///', 'filesystem root'],
    ['file:///srv/x?y=1', 'no query'],
    ['s3://', 'not a valid bucket name'],
    ['s3://Upper_Case/x', 'not a valid bucket name'],
    ['s3://ab/x', 'not a valid bucket name'],
    ['s3://bucket/../escape', 'bad prefix'],
    ['s3://bucket/a//b', 'bad prefix'],
    ['s3://bucket/x?versionId=1', 'without query'],
  ])('rejects %s (%s)', (url, reason) => {
    const error = (() => {
      try {
        parseBlobStoreUrl(url, '.');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ kind: 'invalid', code: 'config' });
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain(JSON.stringify(url));
  });
});

describe('createBlobStore', () => {
  it('chooses the filesystem for file URLs', () => {
    const store = createBlobStore({ url: 'file', s3 }, '/var/lib/sdp');

    expect(store).toBeInstanceOf(FsBlobStore);
    expect(store.describe()).toBe('file:///var/lib/sdp/blobs');
  });

  it('chooses S3 for s3 URLs without contacting it', async () => {
    const store = createBlobStore(
      { url: 's3://bucket-name/some/prefix', s3: { ...s3, endpoint: 'http://127.0.0.1:1' } },
      '.',
    );

    expect(store).toBeInstanceOf(S3BlobStore);
    expect(store.describe()).toBe('s3://bucket-name/some/prefix');
    await store.close();
  });

  it('throws a clear error for a URL it cannot use', () => {
    expect(() => createBlobStore({ url: 'gs://bucket', s3 }, '.')).toThrow(
      /Invalid blobs.url "gs:\/\/bucket": unknown scheme\. Expected "file"/,
    );
  });
});
