import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { validateBlobKey, validateBlobPrefix } from './blob-key.js';
import { blobNotFound, invalidBlobKey } from './errors.js';
import type {
  BlobBody,
  BlobListing,
  BlobStat,
  BlobStore,
  PutOptions,
  PutResult,
} from './blob-store.js';
import { ContentDigest } from './content-digest.js';
import { DEFAULT_CONTENT_TYPE } from './default-content-type.js';
import { MIN_PART_SIZE, uploadFileInParts } from './s3-multipart-upload.js';
import { releaseSpooledBody, spoolBody } from './spool-body.js';

/** The user metadata entry holding the content hash (sent as `x-amz-meta-sha256`). */
const SHA256_METADATA = 'sha256';
/** S3's limit on the length of a whole object key, store prefix included. */
const MAX_OBJECT_KEY_BYTES = 1024;

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Folder inside the bucket holding this store's objects, e.g. `sdp/prod`; may be empty. */
  prefix?: string;
  /**
   * Bodies up to this size go up in one PutObject from memory; larger ones are spooled to a
   * temporary file and sent as a multipart upload with parts of this size. Default 8 MiB,
   * at least 5 MiB (S3's minimum part size).
   */
  partSize?: number;
  /** Parts of one multipart upload in flight at once. Default 4. */
  partConcurrency?: number;
  /** Keys per ListObjects request, 1–1000. Default 1000; tests use small pages. */
  listPageSize?: number;
  /** Where large bodies are spooled before upload. Default `os.tmpdir()`. */
  spoolDirectory?: string;
}

/**
 * Blobs as objects in an S3-compatible bucket, under an optional key prefix.
 *
 * Why bodies are spooled before anything is sent: the SHA-256 goes into the object's user
 * metadata, and S3 fixes metadata when an upload starts, before a streamed body has been
 * hashed. Reading the body to its end first (in memory up to `partSize`, else in a local
 * temporary file) means every object is created with its hash in one atomic step, a body
 * stream that fails never touches the bucket, and every request body is replayable, so the
 * SDK's retries work. The cost is local disk space for large uploads and a delay before the
 * first byte goes out. (Alternatives rejected: multipart first and CopyObject onto itself to
 * add the hash leaves a window without it and doubles server-side work; a sidecar object
 * cannot be written atomically with its object.)
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  /** Empty, or ends with "/". */
  readonly #prefix: string;
  readonly #partSize: number;
  readonly #partConcurrency: number;
  readonly #listPageSize: number;
  readonly #spoolDirectory: string;

  constructor(options: S3BlobStoreOptions) {
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '') validateBlobKey(prefix);
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.#partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE);
    this.#partConcurrency = Math.max(1, options.partConcurrency ?? 4);
    this.#listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.#spoolDirectory = options.spoolDirectory ?? tmpdir();
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const objectKey = this.#objectKey(key);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const spooled = await spoolBody(body, {
      memoryLimit: this.#partSize,
      directory: this.#spoolDirectory,
    });
    try {
      const metadata = { [SHA256_METADATA]: spooled.sha256 };
      if (spooled.kind === 'memory') {
        await this.#client.send(
          new PutObjectCommand({
            Bucket: this.#bucket,
            Key: objectKey,
            Body: spooled.buffer,
            ContentLength: spooled.size,
            ContentType: contentType,
            Metadata: metadata,
          }),
        );
      } else {
        await uploadFileInParts({
          client: this.#client,
          bucket: this.#bucket,
          objectKey,
          file: spooled.path,
          size: spooled.size,
          partSize: this.#partSize,
          concurrency: this.#partConcurrency,
          contentType,
          metadata,
        });
      }
      return { key, size: spooled.size, sha256: spooled.sha256 };
    } finally {
      await releaseSpooledBody(spooled);
    }
  }

  async get(key: string): Promise<Readable> {
    const objectKey = this.#objectKey(key);
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }),
      );
      if (!(response.Body instanceof Readable)) {
        throw new Error(`S3 returned no readable body for ${this.#url(objectKey)}`);
      }
      return response.Body;
    } catch (error) {
      if (isMissingObject(error)) throw blobNotFound(key, this.describe());
      throw error;
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    const objectKey = this.#objectKey(key);
    let head;
    try {
      head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }),
      );
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
    const recorded = head.Metadata?.[SHA256_METADATA];
    // Objects written by other tools carry no hash; computing it costs a download but keeps
    // the contract that every stat has one.
    const sha256 = recorded && /^[0-9a-f]{64}$/.test(recorded) ? recorded : await this.#hash(key);
    return {
      key,
      size: head.ContentLength ?? 0,
      sha256,
      modifiedAt: head.LastModified ?? new Date(0),
      contentType: head.ContentType ?? DEFAULT_CONTENT_TYPE,
    };
  }

  async exists(key: string): Promise<boolean> {
    const objectKey = this.#objectKey(key);
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  async *list(prefix = ''): AsyncIterable<BlobListing> {
    validateBlobPrefix(prefix);
    // ListObjects (v1), paged by Marker = last key seen. Without a delimiter this is exactly
    // what ListObjectsV2 with continuation tokens returns, and v1 works on every
    // S3-compatible server: s3rver, for one, encrypts v2 continuation tokens with DES, which
    // Node 17+ (OpenSSL 3) no longer ships, so every truncated v2 listing fails there with
    // InternalError.
    let marker: string | undefined;
    for (;;) {
      const page = await this.#client.send(
        new ListObjectsCommand({
          Bucket: this.#bucket,
          Prefix: `${this.#prefix}${prefix}`,
          MaxKeys: this.#listPageSize,
          Marker: marker,
        }),
      );
      const objects = (page.Contents ?? []).filter((object) => object.Key !== undefined);
      for (const object of objects) {
        yield {
          key: object.Key!.slice(this.#prefix.length),
          size: object.Size ?? 0,
          modifiedAt: object.LastModified ?? new Date(0),
        };
      }
      if (!page.IsTruncated || objects.length === 0) return;
      marker = objects[objects.length - 1].Key;
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.#objectKey(key);
    // DeleteObject succeeds for a missing key, which is exactly the idempotence we promise.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
  }

  describe(): string {
    return `s3://${this.#bucket}${this.#prefix === '' ? '' : `/${this.#prefix.slice(0, -1)}`}`;
  }

  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  #objectKey(key: string): string {
    validateBlobKey(key);
    const objectKey = `${this.#prefix}${key}`;
    if (Buffer.byteLength(objectKey) > MAX_OBJECT_KEY_BYTES) {
      throw invalidBlobKey(
        key,
        `with the store prefix "${this.#prefix}" longer than S3's ${MAX_OBJECT_KEY_BYTES} bytes`,
      );
    }
    return objectKey;
  }

  #url(objectKey: string): string {
    return `s3://${this.#bucket}/${objectKey}`;
  }

  async #hash(key: string): Promise<string> {
    const digest = new ContentDigest();
    for await (const chunk of await this.get(key)) digest.update(chunk as Buffer);
    return digest.sha256;
  }
}

/**
 * GetObject reports a missing key as NoSuchKey, HeadObject (which has no body) as a bare 404
 * "NotFound". A missing bucket is a configuration problem, not a missing blob.
 */
function isMissingObject(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}
