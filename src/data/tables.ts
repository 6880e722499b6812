import type { Json, Timestamp } from '../platform/db/columns.js';
import type { LabelledRespondent } from './record.js';

export interface DatasetTable {
  id: string;
  name: string;
  /** The file name it was ingested from, or e.g. `synthetic:seed=1`. */
  source: string;
  /** sha256 of the normalised records: equal for both published variants of one file. */
  content_hash: string;
  /** sha256 of the file's bytes, for a fast "already ingested" answer. */
  file_sha256: string | null;
  synthetic: boolean;
  row_count: number;
  quarantined_count: number;
  positive_count: number;
  validation: Json;
  config: Json;
  created_at: Timestamp;
}

/** One record of a dataset version; `position` keeps the file's order. */
export type DatasetRowTable = {
  dataset_id: string;
  position: number;
  line: number;
  source_id: string | null;
} & LabelledRespondent;

export interface DatasetQuarantineTable {
  dataset_id: string;
  line: number;
  reason: string;
  raw: Json<Record<string, string>>;
}

export interface DatasetTables {
  dataset: DatasetTable;
  dataset_row: DatasetRowTable;
  dataset_quarantine: DatasetQuarantineTable;
}
