import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/db/columns.js';

export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** `pending`: waiting for upstream tasks; `up_for_retry`: failed a try, the next is queued. */
export const TASK_STATES = [
  'pending',
  'queued',
  'running',
  'up_for_retry',
  'succeeded',
  'failed',
  'skipped',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'backfill', 'alarm'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export interface TaskLogLine {
  at: string;
  attempt: number;
  message: string;
}

type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface PipelineRunTable {
  id: string;
  pipeline: string;
  /** Unique per pipeline: a scheduled interval's start, so no interval runs twice by accident. */
  run_key: string;
  trigger: RunTrigger;
  interval_start: NullableTime;
  interval_end: NullableTime;
  params: Json<Record<string, unknown>>;
  state: RunState;
  /** One line on the outcome (a task's `summarize`, a skip reason, the failed task's error). */
  summary: string | null;
  created_by: string;
  created_at: Timestamp;
  started_at: NullableTime;
  finished_at: NullableTime;
}

export interface PipelineTaskRunTable {
  run_id: string;
  task_id: string;
  state: TaskState;
  /** Tries started so far. */
  attempts: number;
  /** Tries allowed in all (a retry by hand adds a policy's worth). */
  max_attempts: number;
  started_at: NullableTime;
  finished_at: NullableTime;
  duration_ms: number | null;
  next_try_at: NullableTime;
  /** Renewed by the running try (database clock); stale means its process is gone. */
  heartbeat_at: NullableTime;
  output: Json<Record<string, unknown> | null>;
  error: string | null;
  log: Json<TaskLogLine[]>;
}

/** Per pipeline: paused or not, and how far its schedule has fired. */
export interface PipelineControlTable {
  pipeline: string;
  paused: boolean;
  paused_by: string | null;
  /** The end of the newest interval the scheduler has handled (fired, queued or skipped). */
  fired_until: NullableTime;
  updated_at: Timestamp;
}

/** Leader election: the process holding the lease is the one scheduler. */
export interface SchedulerLeaseTable {
  name: string;
  holder: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  acquired_at: ColumnType<Date, Date | string, Date | string>;
  generation: Generated<number>;
}

export interface PipelineTables {
  pipeline_run: PipelineRunTable;
  pipeline_task_run: PipelineTaskRunTable;
  pipeline_control: PipelineControlTable;
  scheduler_lease: SchedulerLeaseTable;
}
