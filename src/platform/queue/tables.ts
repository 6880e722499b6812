import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../db/columns.js';

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
  finished_at: Date | null;
}

export interface JobTables {
  job: JobTable;
}
