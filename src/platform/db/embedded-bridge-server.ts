import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import { readFrames, sendFrame, type BridgeReply, type BridgeRequest } from './bridge-protocol.js';
import { errorData } from './error-data.js';

export interface EmbeddedBridge {
  close(): Promise<void>;
}

/**
 * Lets other local sdp processes (a CLI command beside `sdp start`) use the embedded database
 * this process holds, over a Unix socket that only the same user can open (mode 0600). Their
 * queries join this process's own in the one-connection queue of the PGlite driver, so a
 * remote transaction holds the connection until it ends, exactly as a local one does: nothing
 * of the server's runs inside a client's transaction, and no client sees another's uncommitted
 * work. A client that disconnects mid-transaction is rolled back.
 */
export async function shareEmbeddedDatabase(
  db: Kysely<unknown>,
  socketPath: string,
): Promise<EmbeddedBridge> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    serveClient(db, socket, () => sockets.delete(socket));
  });
  // A socket file left by a holder that was killed: the lock says it is gone.
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  server.unref();
  return {
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}

/**
 * One client connection: its queries run in order. Its `begin` (as the PGlite driver sends it)
 * takes the one database connection for this client until its `commit` or `rollback`.
 */
function serveClient(db: Kysely<unknown>, socket: Socket, onClose: () => void): void {
  let transaction: { db: Kysely<unknown>; end(): void } | undefined;
  let work: Promise<void> = Promise.resolve();

  const run = async ({ sql, params }: BridgeRequest): Promise<BridgeReply> => {
    if (typeof sql !== 'string' || !Array.isArray(params))
      throw new Error('A bridge request is { sql: string, params: unknown[] }');
    const query = CompiledQuery.raw(sql, [...params]);
    if (!transaction) {
      if (sql !== 'begin') return answer(await db.executeQuery(query));
      const held = await holdConnection(db);
      try {
        await held.db.executeQuery(query);
      } catch (error) {
        held.end();
        throw error;
      }
      transaction = held;
      return { ok: true, rows: [] };
    }
    const held = transaction;
    if (sql !== 'commit' && sql !== 'rollback') return answer(await held.db.executeQuery(query));
    transaction = undefined;
    try {
      return answer(await held.db.executeQuery(query));
    } finally {
      held.end();
    }
  };

  readFrames<BridgeRequest>(socket, (request) => {
    work = work.then(async () => {
      const reply = await run(request).catch((error: unknown): BridgeReply => ({
        ok: false,
        error: errorData(error),
      }));
      if (!socket.destroyed) sendFrame(socket, reply);
    });
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    onClose();
    work = work.then(async () => {
      const held = transaction;
      transaction = undefined;
      if (!held) return;
      try {
        await held.db.executeQuery(CompiledQuery.raw('rollback'));
      } catch {
        // The connection is released below either way; nothing of this client's is kept.
      } finally {
        held.end();
      }
    });
  });
}

function answer(result: QueryResult<unknown>): BridgeReply {
  return { ok: true, rows: result.rows, numAffectedRows: result.numAffectedRows };
}

/** The driver's one connection, held until `end` is called. */
async function holdConnection(db: Kysely<unknown>): Promise<{ db: Kysely<unknown>; end(): void }> {
  return new Promise((resolve, reject) => {
    db.connection()
      .execute(
        (connection) =>
          new Promise<void>((end) => {
            resolve({ db: connection, end: () => end() });
          }),
      )
      .catch(reject);
  });
}
