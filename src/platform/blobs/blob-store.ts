import type { Readable } from 'node:stream';

/** What `put` accepts: bytes, text (stored as UTF-8) or a stream of bytes. */
export type BlobBody = Buffer | string | Readable;

export interface PutOptions {
  /**
   * Stored with the object and returned by `stat`, e.g. `text/csv` or `application/json`;
   * default `application/octet-stream`.
   */
  contentType?: string;
}

/** What a completed `put` wrote: the size in bytes and the SHA-256 of the content (hex). */
export interface PutResult {
  key: string;
  size: number;
  sha256: string;
}

/** One entry of `list`: cheap to obtain on every backend (S3 lists no user metadata). */
export interface BlobListing {
  key: string;
  size: number;
  modifiedAt: Date;
}

/** The full description of one stored object, as `stat` returns it. */
export interface BlobStat extends BlobListing {
  sha256: string;
  /** As given to `put`, else `application/octet-stream`. */
  contentType: string;
}

/**
 * The object store for datasets and model artifacts: a flat map from keys such as
 * `datasets/2024-05-01/train.csv` to immutable byte contents, each with its SHA-256.
 *
 * Keys are validated (see `validateBlobKey`) so that no key can escape the store's root.
 * Implementations: the filesystem (`FsBlobStore`) and S3-compatible servers (`S3BlobStore`);
 * both pass the conformance suite in `blob-store.conformance.ts`. Build one from
 * configuration with `createBlobStore`.
 *
 * @example
 * const { sha256 } = await store.put('models/v3/pipeline.json', JSON.stringify(pipeline), {
 *   contentType: 'application/json',
 * });
 * const pipelineJson = (await store.getBuffer('models/v3/pipeline.json')).toString('utf8');
 */
export interface BlobStore {
  /**
   * Stores `body` under `key`, replacing any previous object only once the new content is
   * complete: a body stream that fails leaves the previous object (or nothing) in place and
   * rejects with the stream's error. The SHA-256 is computed while the body streams.
   */
  put(key: string, body: BlobBody, options?: PutOptions): Promise<PutResult>;
  /**
   * The content as a stream; rejects with a `not_found` error (code `blob_not_found`) for a missing
   * key. The caller
   * must read the stream to its end or destroy it, since it may hold a connection.
   */
  get(key: string): Promise<Readable>;
  /** The whole content in memory; meant for small objects such as JSON documents. */
  getBuffer(key: string): Promise<Buffer>;
  /** Size, hash, content type and modification time, or `undefined` for a missing key. */
  stat(key: string): Promise<BlobStat | undefined>;
  exists(key: string): Promise<boolean>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as in S3: `a/` lists
   * the "folder" a, `a` also matches `ab/c`), in ascending key order.
   */
  list(prefix?: string): AsyncIterable<BlobListing>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Where the objects live, safe to log: `file:///abs/dir` or `s3://bucket/prefix`. */
  describe(): string;
  /** Resolves when the store is reachable and usable, for readiness checks; rejects otherwise. */
  ping(): Promise<void>;
  /** Releases connections; the store must not be used afterwards. */
  close(): Promise<void>;
}
