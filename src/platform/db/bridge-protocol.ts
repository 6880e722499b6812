import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';

/**
 * The messages between a process that holds the embedded database and the other local sdp
 * processes that use it through its socket (embedded-bridge-server.ts, embedded-bridge-client.ts):
 * one query at a time per socket, answered with its rows or its error.
 */
export interface BridgeRequest {
  sql: string;
  params: readonly unknown[];
}

export type BridgeReply =
  | { ok: true; rows: unknown[]; numAffectedRows?: bigint }
  | { ok: false; error: Record<string, unknown> };

/**
 * Frames are a 4-byte length and a V8-serialized value: the same structured clone that carries
 * queries to the PGlite thread, so dates, bytes and bigints arrive as they left.
 */
export function sendFrame(socket: Socket, message: BridgeRequest | BridgeReply): void {
  const body = serialize(message);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  socket.write(Buffer.concat([header, body]));
}

/** Larger frames are refused: no query of sdp's comes near, and a bad length must not grow a buffer. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Calls `onFrame` with each value that arrives on the socket, whatever the chunking. A frame
 * that is too large or does not deserialize ends that connection only.
 */
export function readFrames<T>(socket: Socket, onFrame: (message: T) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) return void socket.destroy();
      if (buffered.length < 4 + length) break;
      const body = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      let message: T;
      try {
        message = deserialize(body) as T;
      } catch {
        return void socket.destroy();
      }
      onFrame(message);
    }
  });
}
