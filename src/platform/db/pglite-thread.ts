import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { ThreadReply, ThreadRequest } from './pglite-worker.js';
import { errorData } from './error-data.js';

/**
 * The worker thread that owns the embedded database (see pglite-worker.ts): it runs each
 * query it is sent and posts back the rows, or the error with its PostgreSQL fields.
 */
const port = parentPort!;
const pglite = new PGlite((workerData as { directory: string }).directory);

const reply = (message: ThreadReply) => port.postMessage(message);

pglite.waitReady.then(
  () => reply({ id: 0, ok: true }),
  (error: unknown) => reply({ id: 0, ok: false, error: errorData(error) }),
);

port.on('message', (request: ThreadRequest) => {
  const work =
    request.kind === 'close'
      ? pglite.close().then(() => ({ rows: [], affectedRows: undefined, fieldCount: 0 }))
      : pglite.query(request.sql, request.params).then((result) => ({
          rows: result.rows,
          affectedRows: result.affectedRows,
          fieldCount: result.fields.length,
        }));
  work.then(
    (result) => reply({ id: request.id, ok: true, ...result }),
    (error: unknown) => reply({ id: request.id, ok: false, error: errorData(error) }),
  );
});
