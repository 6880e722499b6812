import type { FileHandle } from 'node:fs/promises';

/** Writes the whole chunk at the handle's position; `write` may legally write only part of it. */
export async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length;) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
