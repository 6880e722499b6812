import { randomBytes, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { DomainError, isDomainError } from '../errors.js';
import type { DataSettings } from './settings.js';
import type { LabelledRespondent } from './record.js';
import type {
  DatasetRepository,
  DatasetVersion,
  QuarantinedRow,
  StoredRow,
} from './dataset-repository.js';
import { readKaggleCsvBatches, type KaggleRow } from './kaggle-csv.js';
import { createRecordHasher } from './record-hash.js';
import { ValidationRun, type ValidationReport } from './validate.js';

export interface StoreResult {
  datasetId: string;
  name: string;
  contentHash: string;
  rows: number;
  quarantined: number;
  /** False when the same records were stored before: the existing version is returned. */
  created: boolean;
  synthetic: boolean;
  validation: ValidationReport;
}

export interface StoreOptions {
  settings: DataSettings;
  /** Store even when expectations of severity `fail` fail. */
  force?: boolean;
  /** The resolved configuration, recorded with the dataset. */
  config: unknown;
}

export interface DatasetSource {
  name: string;
  /** Where the rows came from: a file name, or e.g. `synthetic:rows=1000,seed=1`. */
  source: string;
  synthetic: boolean;
  fileSha256: string | null;
  /** Rows one at a time, or in arrays (as `readKaggleCsvBatches` gives them), or mixed. */
  rows: AsyncIterable<KaggleRow | KaggleRow[]>;
}

/** Rejected rows kept in memory to quote in the refusal message. */
const QUOTED_PROBLEMS = 3;

/**
 * Database writes of one ingest, one at a time and in order, with at most one in flight while
 * the caller goes on reading: the next batch is parsed while the current one is inserted.
 */
class WriteQueue {
  private inFlight: Promise<void> | undefined;

  /** Waits for the previous write, then starts `write` without waiting for it. */
  async push(write: () => Promise<void>): Promise<void> {
    if (this.inFlight) await this.inFlight;
    const started = write();
    // Marked handled at once: it is awaited by the next push or by drain, not before.
    started.catch(() => undefined);
    this.inFlight = started;
  }

  /** Waits for the write in flight; rethrows its error. */
  async drain(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    if (inFlight) await inFlight;
  }

  /** Waits for the write in flight, ignoring its outcome (before a rollback). */
  async settle(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.inFlight = undefined;
  }
}

/**
 * Stores a dataset version from a stream of rows, in one transaction: valid rows become the
 * dataset, invalid ones go to its quarantine with their reason. The whole file is refused
 * (and nothing stored) when too many rows are invalid, when a `fail` expectation fails
 * without `force`, or when reading fails mid-way. Storing the same records again is a no-op
 * that returns the existing version with `created: false`.
 */
export async function storeDataset(
  repository: DatasetRepository,
  source: DatasetSource,
  options: StoreOptions,
): Promise<StoreResult> {
  const { batchSize, maxQuarantineShare } = options.settings;
  const datasetId = `ds_${randomBytes(6).toString('hex')}`;
  try {
    return await repository.transaction(async (trx) => {
      const hasher = createRecordHasher();
      const validation = new ValidationRun();
      const writes = new WriteQueue();
      let rows: StoredRow[] = [];
      let quarantine: QuarantinedRow[] = [];
      const problems: string[] = [];
      let stored = 0;
      let quarantined = 0;
      let positives = 0;

      /** Takes one row; returns a promise only when a batch had to be handed to the database. */
      const take = (row: KaggleRow): Promise<void> | undefined => {
        if (row.ok) {
          hasher.update(row.record);
          validation.add(row);
          positives += row.record.depression;
          rows.push({
            position: stored++,
            line: row.line,
            sourceId: row.sourceId,
            record: row.record,
          });
          if (rows.length < batchSize) return undefined;
          const batch = rows;
          rows = [];
          return writes.push(() => repository.insertRows(trx, datasetId, batch));
        }
        quarantined++;
        if (problems.length < QUOTED_PROBLEMS) problems.push(`line ${row.line}: ${row.reason}`);
        quarantine.push({ line: row.line, reason: row.reason, raw: row.raw });
        if (quarantine.length < batchSize) return undefined;
        const batch = quarantine;
        quarantine = [];
        return writes.push(() => repository.insertQuarantine(trx, datasetId, batch));
      };

      try {
        for await (const item of source.rows) {
          if (!Array.isArray(item)) await take(item);
          else
            for (const row of item) {
              const handedOver = take(row);
              if (handedOver) await handedOver;
            }
        }
        const lastRows = rows;
        const lastQuarantine = quarantine;
        rows = [];
        quarantine = [];
        await writes.push(() => repository.insertRows(trx, datasetId, lastRows));
        await writes.push(() => repository.insertQuarantine(trx, datasetId, lastQuarantine));
        await writes.drain();
      } finally {
        // On an error, nothing may still be running on the connection when it rolls back.
        await writes.settle();
      }

      const total = stored + quarantined;
      if (total === 0) throw DomainError.invalid('The file has no data rows.');
      if (quarantined / total > maxQuarantineShare) {
        throw DomainError.invalid(
          `${quarantined} of ${total} rows (${percent(quarantined / total)}) are invalid, over the limit of ` +
            `${percent(maxQuarantineShare)} (data.maxQuarantineShare); nothing was stored. ` +
            `First problems: ${problems.join('; ')}`,
        );
      }
      const report = validation.finish();
      const failed = report.expectations.filter((result) => result.status === 'fail');
      if (failed.length && !options.force) {
        throw DomainError.invalid(
          `Validation failed: ${failed.map((result) => `${result.name} (${result.detail})`).join('; ')}. ` +
            'Nothing was stored; rerun with --force to store it anyway.',
        );
      }

      const contentHash = hasher.digest();
      const existing = await repository.findByContentHash(contentHash, trx);
      // Throwing rolls back the rows written above; the existing version is the answer.
      if (existing) throw new SameContent(existing);
      await repository.create(trx, {
        id: datasetId,
        name: source.name,
        source: source.source,
        contentHash,
        fileSha256: source.fileSha256,
        synthetic: source.synthetic,
        rows: stored,
        quarantined,
        positives,
        validation: report,
        config: options.config,
      });
      return {
        datasetId,
        name: source.name,
        contentHash,
        rows: stored,
        quarantined,
        created: true,
        synthetic: source.synthetic,
        validation: report,
      };
    });
  } catch (error) {
    if (error instanceof SameContent) return existingResult(repository, error.existing);
    throw error;
  }
}

class SameContent extends Error {
  constructor(readonly existing: DatasetVersion) {
    super(`same content as ${existing.id}`);
  }
}

async function existingResult(
  repository: DatasetRepository,
  existing: DatasetVersion,
): Promise<StoreResult> {
  return {
    datasetId: existing.id,
    name: existing.name,
    contentHash: existing.contentHash,
    rows: existing.rows,
    quarantined: existing.quarantined,
    created: false,
    synthetic: existing.synthetic,
    validation: (await repository.validationReport(existing.id)) as ValidationReport,
  };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

export interface IngestFileOptions extends StoreOptions {
  /** Dataset name; defaults to the file name without extension. */
  name?: string;
  /** Called as the file is read, with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Ingests a CSV file in either published Kaggle variant. */
export async function ingestCsvFile(
  repository: DatasetRepository,
  file: string,
  options: IngestFileOptions,
): Promise<StoreResult> {
  const size = await fileSize(file);
  if (size > options.settings.maxFileBytes) {
    throw DomainError.invalid(
      `${file} is ${formatBytes(size)}, over the limit of ${formatBytes(options.settings.maxFileBytes)} (data.maxFileBytes).`,
    );
  }
  const fileSha256 = await sha256OfFile(file);
  const known = await repository.findByFileSha256(fileSha256);
  if (known) return existingResult(repository, known);
  const input = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    progress(size, options.onProgress),
  );
  return storeDataset(
    repository,
    {
      name: options.name ?? path.basename(file).replace(/\.[^.]+$/, ''),
      source: path.basename(file),
      synthetic: false,
      fileSha256,
      rows: readKaggleCsvBatches(input, { maxBytes: options.settings.maxFileBytes }),
    },
    options,
  );
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw DomainError.invalid(`${file} is not a file.`);
    return info.size;
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw DomainError.invalid(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function progress(
  total: number,
  onProgress?: (read: number, total: number) => void,
): Readable & Transform {
  let read = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      onProgress?.(read, total);
      callback(null, chunk);
    },
  });
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Stores records already in memory (a split, a union of versions, survey responses) as a
 * dataset version, through the same path as a file: validation, one transaction,
 * de-duplication by content. `ids` are the rows' source ids (default 1, 2, 3 …).
 */
export function storeRecords(
  repository: DatasetRepository,
  dataset: {
    name: string;
    source: string;
    synthetic: boolean;
    records: readonly LabelledRespondent[];
    ids?: readonly string[];
  },
  options: StoreOptions,
): Promise<StoreResult> {
  async function* rows(): AsyncIterable<KaggleRow> {
    for (const [i, record] of dataset.records.entries())
      yield { ok: true, line: i + 2, sourceId: dataset.ids?.[i] ?? String(i + 1), record };
  }
  return storeDataset(
    repository,
    {
      name: dataset.name,
      source: dataset.source,
      synthetic: dataset.synthetic,
      fileSha256: null,
      rows: rows(),
    },
    options,
  );
}
