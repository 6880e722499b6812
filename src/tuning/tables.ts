import type { Json, Timestamp } from '../platform/db/columns.js';
import type { TrialState } from './sampler.js';
import type { TrialParams } from './search-space.js';

export type StudyState = 'running' | 'finalizing' | 'complete';

/** A tuning study: its fixed definition, its budget and, once finished, what it registered. */
export interface TuningStudyTable {
  id: string;
  name: string;
  /** The study's tracking run; every trial's run is its child. */
  run_id: string | null;
  dataset_id: string;
  model: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  /** What makes trials comparable (space, folds, seed, base model spec): fixed at creation. */
  definition: Json;
  /** Trials that must end complete or pruned; failed ones do not count. */
  target_trials: number;
  state: StudyState;
  /** The worker finishing the study (refit and registration) and when it was last heard of. */
  finalizer: string | null;
  finalizer_heartbeat_at: Date | null;
  best_trial: number | null;
  model_name: string | null;
  model_version: number | null;
  note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TuningTrialTable {
  study_id: string;
  number: number;
  state: TrialState;
  params: Json<TrialParams>;
  value: number | null;
  worker: string;
  run_id: string | null;
  heartbeat_at: Timestamp;
  started_at: Timestamp;
  finished_at: Date | null;
  error: string | null;
}

/** One intermediate value (a CV fold's running mean) of a trial; rows are only ever inserted. */
export interface TuningTrialStepTable {
  study_id: string;
  number: number;
  step: number;
  value: number;
}

export interface TuningTables {
  tuning_study: TuningStudyTable;
  tuning_trial: TuningTrialTable;
  tuning_trial_step: TuningTrialStepTable;
}
