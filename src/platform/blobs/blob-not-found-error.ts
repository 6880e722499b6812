/** A `get` or `getBuffer` of a key that holds no object. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';

  constructor(
    readonly key: string,
    /** Where the store looked, e.g. `s3://bucket/prefix`, so the message is actionable. */
    readonly location: string,
  ) {
    super(`Blob "${key}" not found in ${location}`);
  }
}
