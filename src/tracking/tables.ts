import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/db/columns.js';

/** The lifecycle of a run: `running` until it ends in one of the three terminal states. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export interface ExperimentTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface RunTable {
  id: string;
  experiment_id: string;
  name: string;
  status: RunStatus;
  params: Json<Record<string, unknown>>;
  /** The fully resolved configuration the run was started with. */
  config: Json;
  dataset_id: string | null;
  dataset_hash: string | null;
  tags: Json<Record<string, string>>;
  seed: number | null;
  code_version: string | null;
  /** Set for child runs, e.g. the trials of a tuning study under the study's run. */
  parent_run_id: string | null;
  started_at: Timestamp;
  ended_at: Date | null;
  error: string | null;
  /** The job that started the run: at most one live run per job. */
  job_id: string | null;
  /** Last sign of life of the process running it (see TrackingService.keepAlive). */
  heartbeat_at: Date | null;
}

/** One point of a metric series: several per key, ordered by step. */
export interface RunMetricTable {
  id: Generated<number>;
  run_id: string;
  key: string;
  step: number;
  value: number;
  recorded_at: Timestamp;
}

/** A file of a run; its bytes live in the object store under `blob_key`. */
export interface RunArtifactTable {
  run_id: string;
  path: string;
  blob_key: string;
  sha256: string;
  size: number;
  content_type: string;
  created_at: Timestamp;
}

export interface RegisteredModelTable {
  name: string;
  description: string | null;
  latest_version: Generated<number>;
  created_at: Timestamp;
}

export interface ModelVersionTable {
  model_name: string;
  version: number;
  run_id: string;
  artifact_key: string;
  artifact_sha256: string;
  signature: Json;
  metrics: Json<Record<string, number>>;
  dataset_id: string | null;
  description: string | null;
  created_at: Timestamp;
}

export interface ModelAliasTable {
  model_name: string;
  alias: string;
  version: number;
  updated_at: Timestamp;
}

/** One alias change: created (no from), moved, or deleted (no to). */
export interface ModelAliasEventTable {
  id: Generated<number>;
  model_name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string;
  reason: string;
  at: Timestamp;
}

export interface TrackingTables {
  experiment: ExperimentTable;
  run: RunTable;
  run_metric: RunMetricTable;
  run_artifact: RunArtifactTable;
  registered_model: RegisteredModelTable;
  model_version: ModelVersionTable;
  model_alias: ModelAliasTable;
  model_alias_event: ModelAliasEventTable;
}
