import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../db/columns.js';

/** The inline queue's `job` table (migration 0001). A delayed job is a `waiting` one whose run_at is in the future. */
export interface JobTable {
  id: string;
  queue: string;
  name: string;
  payload: Json;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  attempts_made: Generated<number>;
  max_attempts: number;
  backoff_ms: number;
  progress: Json | null;
  result: Json | null;
  error: string | null;
  run_at: Timestamp;
  locked_by: string | null;
  heartbeat_at: Date | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface JobTables {
  job: JobTable;
}
