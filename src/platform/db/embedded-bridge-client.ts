import { connect, type Socket } from 'node:net';
import { DomainError } from '../../errors.js';
import { readFrames, sendFrame, type BridgeReply } from './bridge-protocol.js';
import { errorFromData } from './error-data.js';
import type { LockHolder } from './embedded-lock.js';
import type { EmbeddedPostgres } from './pglite-worker.js';

/**
 * The embedded database of another local sdp process, reached through its socket
 * (embedded-bridge-server.ts): what the PGlite dialect needs, so a CLI command beside
 * `sdp start` runs the very same queries and transactions as when it holds the database itself.
 */
export class RemoteEmbeddedPostgres implements EmbeddedPostgres {
  readonly waitReady: Promise<void>;
  private readonly socket: Socket;
  private readonly waiting: {
    resolve(reply: BridgeReply & { ok: true }): void;
    reject(error: Error): void;
  }[] = [];
  private ended = false;

  constructor(private readonly holder: LockHolder & { socket: string }) {
    this.socket = connect(holder.socket);
    // Like the PGlite thread, the socket keeps the process alive only while connecting or
    // while a query is open.
    this.waitReady = new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        if (this.waiting.length === 0) this.socket.unref();
        resolve();
      });
      this.socket.once('error', reject);
    });
    readFrames<BridgeReply>(this.socket, (reply) => {
      const waiter = this.waiting.shift();
      if (!waiter) return;
      if (this.waiting.length === 0) this.socket.unref();
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(errorFromData(reply.error));
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      this.ended = true;
      const gone = DomainError.unavailable(
        `The sdp process that holds the embedded database (pid ${holder.pid}, \`${holder.command}\`) ` +
          'stopped while this command was using it; run the command again.',
      );
      for (const waiter of this.waiting.splice(0)) waiter.reject(gone);
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  async query<R>(
    sql: string,
    params: unknown[],
  ): Promise<{ rows: R[]; affectedRows?: number; fieldCount: number }> {
    if (this.ended) throw DomainError.unavailable('The embedded database connection is closed.');
    if (this.waiting.length === 0) this.socket.ref();
    const reply = new Promise<BridgeReply & { ok: true }>((resolve, reject) =>
      this.waiting.push({ resolve, reject }),
    );
    sendFrame(this.socket, { sql, params });
    const { rows, numAffectedRows } = await reply;
    // The holder's driver counted affected rows only for statements without result columns.
    return numAffectedRows === undefined
      ? { rows: rows as R[], fieldCount: 1 }
      : { rows: rows as R[], affectedRows: Number(numAffectedRows), fieldCount: 0 };
  }

  async close(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.ref();
      this.socket.end();
    });
  }
}
