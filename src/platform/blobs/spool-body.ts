import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BlobBody } from './blob-store.js';
import { bodyChunks, ContentDigest } from './content-digest.js';
import { writeAll } from './write-all.js';

/** A body read to its end and hashed, held in memory or, past the limit, in a temporary file. */
export type SpooledBody =
  | { kind: 'memory'; buffer: Buffer; size: number; sha256: string }
  | { kind: 'file'; path: string; size: number; sha256: string };

export interface SpoolOptions {
  /** Bodies up to this many bytes stay in memory; larger ones move to a file. */
  memoryLimit: number;
  /** Where the temporary file goes (e.g. `os.tmpdir()`); it is removed by `releaseSpooledBody`. */
  directory: string;
}

/**
 * Reads the whole body once, computing size and SHA-256 on the way. A body stream that fails
 * rejects with its error and leaves no temporary file behind.
 */
export async function spoolBody(body: BlobBody, options: SpoolOptions): Promise<SpooledBody> {
  const digest = new ContentDigest();
  const held: Buffer[] = [];
  let spool: { path: string; handle: FileHandle } | undefined;
  try {
    for await (const chunk of bodyChunks(body)) {
      digest.update(chunk);
      if (spool) {
        await writeAll(spool.handle, chunk);
      } else if (digest.size <= options.memoryLimit) {
        held.push(chunk);
      } else {
        spool = await createSpoolFile(options.directory);
        for (const earlier of held.splice(0)) await writeAll(spool.handle, earlier);
        await writeAll(spool.handle, chunk);
      }
    }
    if (!spool) {
      return {
        kind: 'memory',
        buffer: Buffer.concat(held),
        size: digest.size,
        sha256: digest.sha256,
      };
    }
    await spool.handle.close();
    return { kind: 'file', path: spool.path, size: digest.size, sha256: digest.sha256 };
  } catch (error) {
    if (spool) {
      await spool.handle.close().catch(() => {});
      await unlink(spool.path).catch(() => {});
    }
    throw error;
  }
}

/** Removes the temporary file of a spooled body, if it has one. */
export async function releaseSpooledBody(spooled: SpooledBody): Promise<void> {
  if (spooled.kind === 'file') await unlink(spooled.path).catch(() => {});
}

async function createSpoolFile(directory: string): Promise<{ path: string; handle: FileHandle }> {
  const file = path.join(directory, `sdp-blob-upload-${randomBytes(8).toString('hex')}.tmp`);
  return { path: file, handle: await open(file, 'wx', 0o600) };
}
