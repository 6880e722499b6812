/**
 * A put that the filesystem cannot hold: `a/b` while an object `a` exists, or `a` while
 * objects `a/...` exist, since one name cannot be both a file and a directory. S3 allows
 * both, so portable callers avoid keys that are also "folders" of other keys.
 */
export class BlobKeyConflictError extends Error {
  override readonly name = 'BlobKeyConflictError';

  constructor(
    readonly key: string,
    readonly conflictingKey: string,
  ) {
    super(
      conflictingKey === key
        ? `Blob key "${key}" is already a folder of other blobs; a key cannot be both`
        : `Blob key "${key}" needs a folder "${conflictingKey}", but that is already a blob`,
    );
  }
}
