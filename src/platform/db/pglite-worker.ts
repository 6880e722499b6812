import { Worker } from 'node:worker_threads';
import { compiledWorkerUrl } from '../worker-url.js';
import { errorFromData } from './error-data.js';

/** What the embedded dialect needs of PGlite (see pglite-dialect.ts). */
export interface EmbeddedPostgres {
  readonly waitReady: Promise<void>;
  readonly closed: boolean;
  query<R>(
    sql: string,
    params: unknown[],
  ): Promise<{ rows: R[]; affectedRows?: number; fieldCount: number }>;
  close(): Promise<void>;
}

export type ThreadRequest =
  { id: number; kind: 'query'; sql: string; params: unknown[] } | { id: number; kind: 'close' };

export type ThreadReply =
  | { id: number; ok: true; rows?: unknown[]; affectedRows?: number; fieldCount?: number }
  | { id: number; ok: false; error: Record<string, unknown> };

/**
 * The embedded database (PGlite, PostgreSQL compiled to WebAssembly) in a worker thread of
 * its own, so that its work — writing the prediction log, storing survey responses, reading
 * datasets — runs beside the HTTP thread instead of on it. Queries go over a message port;
 * errors come back as errors with PostgreSQL's fields (`code`, `detail`, …).
 *
 * The thread keeps the process alive only while a query is in flight, as an in-thread
 * database would: a command that forgets to close still exits.
 */
export class PGliteWorker implements EmbeddedPostgres {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (reply: ThreadReply & { ok: true }) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private exited = false;

  constructor(directory: string) {
    this.worker = new Worker(compiledWorkerUrl('./pglite-thread.js', import.meta.url), {
      workerData: { directory },
    });
    this.waitReady = this.send(0).then(() => undefined);
    this.worker.on('message', (reply: ThreadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.settled(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(errorFromData(reply.error));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`the embedded database thread exited (code ${code})`));
    });
  }

  get closed(): boolean {
    return this.exited;
  }

  async query<R>(
    sql: string,
    params: unknown[],
  ): Promise<{ rows: R[]; affectedRows?: number; fieldCount: number }> {
    const id = this.nextId++;
    const reply = this.send(id);
    this.worker.postMessage({ id, kind: 'query', sql, params } satisfies ThreadRequest);
    const { rows = [], affectedRows, fieldCount = 0 } = await reply;
    return { rows: rows as R[], affectedRows, fieldCount };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const id = this.nextId++;
    const done = this.send(id);
    this.worker.postMessage({ id, kind: 'close' } satisfies ThreadRequest);
    await done;
    await this.worker.terminate();
  }

  /** A promise for reply `id`; the thread keeps the process alive while any is open. */
  private send(id: number): Promise<ThreadReply & { ok: true }> {
    if (this.exited) return Promise.reject(new Error('the embedded database is closed'));
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    for (const [id, waiter] of this.pending) {
      this.settled(id);
      waiter.reject(error);
    }
  }
}
