import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/db/columns.js';

/** Which arm answered (or, for `shadow`, silently scored) a request. */
export type PredictionRoute = 'champion' | 'canary' | 'shadow';

/** One scored record, written in batches by the prediction log. */
export interface PredictionLogTable {
  id: Generated<number>;
  at: Date | string;
  model_name: string;
  version: number;
  route: PredictionRoute;
  /** The caller's request key (the survey's submission id, or the HTTP request id). */
  request_key: string;
  /** Set while a rollout is active, so its analysis can select its own window. */
  rollout_id: string | null;
  /** Null on shadow rows: the champion row of the same request key holds the inputs. */
  inputs: Json<Record<string, unknown>> | null;
  /** Null when scoring failed (`error` says why). */
  probability: number | null;
  label: number | null;
  /** Time spent scoring, in microseconds (excludes HTTP and queueing). */
  latency_us: number;
  error: string | null;
}

/** Ground truth that arrived after the prediction (a PHQ-9 label, or POST /v1/feedback). */
export interface PredictionFeedbackTable {
  request_key: string;
  label: number;
  received_at: Timestamp;
}

export type RolloutMode = 'canary' | 'shadow';
export type RolloutStatus = 'active' | 'paused' | 'promoted' | 'rolled_back' | 'aborted';

export interface RolloutTable {
  id: string;
  model_name: string;
  mode: RolloutMode;
  champion_version: number;
  challenger_version: number;
  /** Canary weights in percent, in order; a shadow rollout has one step. */
  steps: Json<number[]>;
  step_index: number;
  /** Shadow mode: the share of requests the challenger scores too. */
  sample_rate: number;
  interval_ms: number;
  status: RolloutStatus;
  status_reason: string | null;
  created_by: string;
  started_at: Timestamp;
  step_started_at: Timestamp;
  ended_at: Date | null;
}

export type RolloutOutcome = 'promote' | 'continue' | 'rollback' | 'inconclusive';

export interface RolloutAnalysisTable {
  id: Generated<number>;
  rollout_id: string;
  step_index: number;
  weight: number;
  outcome: RolloutOutcome;
  reasons: Json<string[]>;
  metrics: Json<Record<string, unknown>>;
  at: Timestamp;
}

export interface ServingTables {
  prediction_log: PredictionLogTable;
  prediction_feedback: PredictionFeedbackTable;
  rollout: RolloutTable;
  rollout_analysis: RolloutAnalysisTable;
}
