import { createHash, type Hash } from 'node:crypto';
import type { BlobBody } from './blob-store.js';

/** Counts bytes and computes their SHA-256 as they pass, so content is read only once. */
export class ContentDigest {
  #hash: Hash = createHash('sha256');
  #size = 0;
  #sha256: string | undefined;

  update(chunk: Buffer): void {
    if (this.#sha256 !== undefined) throw new Error('ContentDigest already finished');
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  /** The hex digest; after the first call no more bytes may be added. */
  get sha256(): string {
    this.#sha256 ??= this.#hash.digest('hex');
    return this.#sha256;
  }
}

/**
 * The body as a sequence of Buffers: text becomes UTF-8, a stream is read with back-pressure.
 * A stream that errors or is destroyed early makes the iteration throw, which is what lets
 * the backends discard a half-written object.
 */
export async function* bodyChunks(body: BlobBody): AsyncGenerator<Buffer> {
  if (typeof body === 'string') {
    yield Buffer.from(body, 'utf8');
  } else if (Buffer.isBuffer(body)) {
    yield body;
  } else if (isAsyncIterable(body)) {
    // Duck-typed rather than `instanceof Readable`, so streams from other copies of the
    // stream module (readable-stream, web-stream adapters) work as well.
    for await (const chunk of body) {
      yield toBuffer(chunk);
    }
  } else {
    throw new TypeError('Blob body must be a Buffer, a string or a Readable stream');
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`Blob body stream emitted a ${typeof chunk}, expected bytes or text`);
}
