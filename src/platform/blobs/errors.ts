import { DomainError } from '../../errors.js';

/**
 * The object store's failures, as domain errors with a `code` each: a missing key
 * (`not_found`), a key the filesystem cannot hold beside another (`conflict`), a key that
 * breaks the naming rules or a `blobs.url` that names no store (`invalid`).
 */
export const BLOB_ERROR_CODES = {
  notFound: 'blob_not_found',
  keyConflict: 'blob_key_conflict',
  invalidKey: 'invalid_blob_key',
} as const;

/** A `get` or `getBuffer` of a key that holds no object; says where the store looked. */
export function blobNotFound(key: string, location: string): DomainError {
  return DomainError.notFound(`Blob "${key}" not found in ${location}`, {
    code: BLOB_ERROR_CODES.notFound,
  });
}

/**
 * A put that the filesystem cannot hold: `a/b` while an object `a` exists, or `a` while
 * objects `a/...` exist, since one name cannot be both a file and a directory. S3 allows
 * both, so portable callers avoid keys that are also "folders" of other keys.
 */
export function blobKeyConflict(key: string, conflictingKey: string): DomainError {
  return DomainError.conflict(
    conflictingKey === key
      ? `Blob key "${key}" is already a folder of other blobs; a key cannot be both`
      : `Blob key "${key}" needs a folder "${conflictingKey}", but that is already a blob`,
    { code: BLOB_ERROR_CODES.keyConflict },
  );
}

/** A key or list prefix that breaks the rules; the one detail says which rule. */
export function invalidBlobKey(key: string, reason: string): DomainError {
  return DomainError.invalid(`Invalid blob key ${quoteForMessage(key)}: ${reason}`, {
    code: BLOB_ERROR_CODES.invalidKey,
    details: [{ field: 'key', message: reason }],
  });
}

/** A `blobs.url` that names no usable store; the message says what is accepted. */
export function blobStoreUrlError(url: string, reason: string): DomainError {
  return DomainError.invalid(
    `Invalid blobs.url ${JSON.stringify(url)}: ${reason}. ` +
      'Expected "file", file:///absolute/path or s3://bucket/prefix',
    { code: 'config' },
  );
}

/** JSON-quotes the key (so control characters are visible) and shortens very long ones. */
function quoteForMessage(key: string): string {
  const shown = key.length > 120 ? `${key.slice(0, 120)}…` : key;
  return JSON.stringify(shown);
}
