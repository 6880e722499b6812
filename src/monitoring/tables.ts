import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from '../platform/db/columns.js';
import type { DriftReport } from './drift-report.js';

/** One stored drift report: its window, reference, verdicts and the whole report. */
export interface DriftReportTable {
  id: string;
  created_at: Timestamp;
  model_name: string;
  model_version: number;
  reference_dataset: string;
  window_start: ColumnType<Date, Date | string, Date | string>;
  window_end: ColumnType<Date, Date | string, Date | string>;
  current_rows: number;
  dataset_drift: boolean;
  drifted_features: Json<string[]>;
  report: Json<DriftReport>;
}

export interface MonitoringTables {
  drift_report: DriftReportTable;
}
