import type { Respondent } from '../data/record.js';
import type { PredictionRoute } from './tables.js';
import { writeIsolatingFailures } from '../platform/db/isolate-failures.js';

/** One prediction, as the log keeps it. */
export interface PredictionLogEntry {
  /** Epoch milliseconds. */
  at: number;
  model: string;
  version: number;
  route: PredictionRoute;
  requestKey: string;
  rolloutId: string | null;
  /** Null on shadow rows: the champion row of the same request key holds them. */
  inputs: Respondent | null;
  probability: number | null;
  label: 0 | 1 | null;
  latencyUs: number;
  error: string | null;
}

/** Where batches go (the database, through the repository). */
export interface PredictionLogSink<Row = unknown> {
  /**
   * Turns an entry into what `write` takes, as it is appended: the serving thread then pays
   * a little per prediction instead of stalling for a whole batch at flush time, and the
   * buffer holds one flat value per entry rather than its object graph.
   */
  encode(entry: PredictionLogEntry): Row;
  write(rows: readonly Row[]): Promise<void>;
}

/** A buffered entry: its encoded row, and its key for `hasPending`. */
interface Pending<Row> {
  requestKey: string;
  row: Row;
}

/** Counters of the log, for /v1/serving/status and metrics. */
export interface PredictionLogStats {
  /** Accepted into the buffer. */
  accepted: number;
  written: number;
  /** Refused because the buffer was full: the response was not slowed down for them. */
  dropped: number;
  /** Lost because a batch could not be written. */
  failed: number;
  pending: number;
}

export interface PredictionLogOptions {
  bufferSize: number;
  batchSize: number;
  flushIntervalMs: number;
  onWriteError?: (error: unknown, lost: number) => void;
}

/**
 * The prediction log: `append` encodes the entry (the sink's `encode`) and pushes it onto a
 * bounded in-memory buffer — it never waits for the database — and a background flush writes
 * the buffer in batches. When the buffer is
 * full, entries are dropped and counted rather than slowing responses; `close` flushes the
 * rest, for graceful shutdown.
 */
export class PredictionLog<Row = unknown> {
  private buffer: Pending<Row>[] = [];
  private writing: readonly Pending<Row>[] = [];
  private flushing: Promise<void> | null = null;
  private flushScheduled = false;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly counts = { accepted: 0, written: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly sink: PredictionLogSink<Row>,
    private readonly options: PredictionLogOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  /** Buffers an entry; false when it was dropped (buffer full, or the log is closed). */
  append(entry: PredictionLogEntry): boolean {
    if (this.closed || this.buffer.length >= this.options.bufferSize) {
      this.counts.dropped++;
      return false;
    }
    this.buffer.push({ requestKey: entry.requestKey, row: this.sink.encode(entry) });
    this.counts.accepted++;
    if (this.buffer.length >= this.options.batchSize && !this.flushScheduled && !this.flushing) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
    return true;
  }

  /** True when an entry with this key is buffered or being written (not yet queryable). */
  hasPending(requestKey: string): boolean {
    return (
      this.buffer.some((entry) => entry.requestKey === requestKey) ||
      this.writing.some((entry) => entry.requestKey === requestKey)
    );
  }

  stats(): PredictionLogStats {
    return { ...this.counts, pending: this.buffer.length + this.writing.length };
  }

  /** Writes everything buffered so far; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stops accepting entries and writes what is buffered. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch =
        this.buffer.length <= this.options.batchSize
          ? this.buffer
          : this.buffer.slice(0, this.options.batchSize);
      this.buffer = batch === this.buffer ? [] : this.buffer.slice(batch.length);
      this.writing = batch;
      // A bad entry fails alone: the batch is split until it is isolated.
      const outcomes = await writeIsolatingFailures(
        async (rows: Row[]) => {
          await this.sink.write(rows);
          return rows;
        },
        batch.map((pending) => pending.row),
      );
      this.writing = [];
      const failed = outcomes.filter((outcome) => !outcome.ok);
      this.counts.written += batch.length - failed.length;
      this.counts.failed += failed.length;
      if (failed.length > 0) this.options.onWriteError?.(failed[0].error, failed.length);
    }
  }
}
