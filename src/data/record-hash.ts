import { createHash } from 'node:crypto';
import { RECORD_FIELDS } from './kaggle-columns.js';
import type { LabelledRespondent } from './record.js';

/** Incremental form of `normalisedRecordHash`, for records that arrive as a stream. */
export interface RecordHasher {
  update(record: LabelledRespondent): void;
  /** Lower-case hex sha256; the hasher cannot be used afterwards. */
  digest(): string;
}

/**
 * One JSON array per record, values in the fixed field order, one per line. Numbers go
 * through JSON, so `33` and `33.0` in a file (both the number 33) serialise alike, and key
 * order in the record object cannot change the result.
 */
function canonicalLine(record: LabelledRespondent): string {
  return `${JSON.stringify(RECORD_FIELDS.map((field) => record[field]))}\n`;
}

/** Starts an incremental record hash; see `normalisedRecordHash`. */
export function createRecordHasher(): RecordHasher {
  const hash = createHash('sha256');
  return {
    update: (record) => void hash.update(canonicalLine(record)),
    digest: () => hash.digest('hex'),
  };
}

/**
 * sha256 over a canonical serialisation of the records: identical for both published CSV
 * variants of the same rows. Row order counts; source ids are not part of it.
 *
 * @example
 * normalisedRecordHash(loaded.records) // '3f1c…'
 */
export function normalisedRecordHash(records: Iterable<LabelledRespondent>): string {
  const hasher = createRecordHasher();
  for (const record of records) hasher.update(record);
  return hasher.digest();
}
