import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateBlobKey } from './blob-key.js';
import { blobStoreUrlError } from './errors.js';
import { isDomainError } from '../../errors.js';

/** Where `blobs.url` says the objects live. */
export type BlobStoreLocation =
  { kind: 'file'; root: string } | { kind: 's3'; bucket: string; prefix: string };

// S3 bucket naming rules (lower case, digits, dots, hyphens, 3–63 characters). Checked on the
// raw text because URL parsing would silently lower-case a host.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `blobs.url`: `file` means `<dataDir>/blobs`, `file:///abs/path` that directory,
 * `s3://bucket/optional/prefix` a bucket and a key prefix within it.
 *
 * @example
 * parseBlobStoreUrl('s3://sdp-artifacts/prod', './data'); // { kind: 's3', bucket: 'sdp-artifacts', prefix: 'prod' }
 */
export function parseBlobStoreUrl(url: string, dataDir: string): BlobStoreLocation {
  if (url === 'file') return { kind: 'file', root: path.resolve(dataDir, 'blobs') };
  if (url.startsWith('file:')) return { kind: 'file', root: parseFileUrl(url) };
  if (url.startsWith('s3:')) return parseS3Url(url);
  throw blobStoreUrlError(url, 'unknown scheme');
}

function parseFileUrl(url: string): string {
  if (!url.startsWith('file:///')) {
    // file://data/blobs would make "data" a host name; a relative path cannot be a URL.
    throw blobStoreUrlError(url, 'a file URL needs an absolute path (three slashes)');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw blobStoreUrlError(url, 'not a valid URL');
  }
  if (parsed.search || parsed.hash) throw blobStoreUrlError(url, 'no query or fragment allowed');
  const root = fileURLToPath(parsed);
  if (path.resolve(root) === path.parse(path.resolve(root)).root) {
    throw blobStoreUrlError(url, 'refusing to use the filesystem root as the blob store');
  }
  return path.resolve(root);
}

function parseS3Url(url: string): BlobStoreLocation {
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/.exec(url);
  if (!match)
    throw blobStoreUrlError(url, 'expected s3://bucket/prefix, without query or fragment');
  const bucket = match[1];
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw blobStoreUrlError(
      url,
      `"${bucket}" is not a valid bucket name (3–63 lower-case letters, digits, "." and "-")`,
    );
  }
  if (prefix !== '') {
    try {
      validateBlobKey(prefix);
    } catch (error) {
      if (isDomainError(error, 'invalid')) {
        throw blobStoreUrlError(url, `bad prefix: ${error.details[0]?.message ?? error.message}`);
      }
      throw error;
    }
  }
  return { kind: 's3', bucket, prefix };
}
