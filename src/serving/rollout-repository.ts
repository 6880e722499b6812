import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../errors.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';
import type {
  RolloutAnalysisTable,
  RolloutMode,
  RolloutOutcome,
  RolloutStatus,
  RolloutTable,
} from './tables.js';

/** A rollout of a challenger version against the champion. */
export interface Rollout {
  id: string;
  model: string;
  mode: RolloutMode;
  championVersion: number;
  challengerVersion: number;
  steps: number[];
  stepIndex: number;
  sampleRate: number;
  intervalMs: number;
  status: RolloutStatus;
  statusReason: string | null;
  createdBy: string;
  startedAt: Date;
  stepStartedAt: Date;
  endedAt: Date | null;
}

/** One automated (or forced) judgement of a rollout step. */
export interface RolloutAnalysis {
  id: number;
  rolloutId: string;
  stepIndex: number;
  weight: number;
  outcome: RolloutOutcome;
  reasons: string[];
  metrics: Record<string, unknown>;
  at: Date;
}

export const OPEN_STATUSES: readonly RolloutStatus[] = ['active', 'paused'];

/** Only this module touches the rollout tables. */
export class RolloutRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a new rollout; a conflict when the model already has an open one (a lost race). */
  async insert(
    rollout: Omit<Rollout, 'startedAt' | 'stepStartedAt' | 'endedAt' | 'statusReason'>,
  ): Promise<Rollout> {
    const row = await this.db
      .insertInto('rollout')
      .values({
        id: rollout.id,
        model_name: rollout.model,
        mode: rollout.mode,
        champion_version: rollout.championVersion,
        challenger_version: rollout.challengerVersion,
        steps: toJson(rollout.steps),
        step_index: rollout.stepIndex,
        sample_rate: rollout.sampleRate,
        interval_ms: rollout.intervalMs,
        status: rollout.status,
        created_by: rollout.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        // The unique index on open rollouts: another start won the race.
        if (isUniqueViolation(error))
          throw DomainError.conflict(`"${rollout.model}" already has an open rollout`);
        throw error;
      });
    return toRollout(row);
  }

  /** The model's active or paused rollout, if any. */
  async findOpen(model: string): Promise<Rollout | undefined> {
    const row = await this.db
      .selectFrom('rollout')
      .selectAll()
      .where('model_name', '=', model)
      .where('status', 'in', OPEN_STATUSES)
      .executeTakeFirst();
    return row && toRollout(row);
  }

  async find(id: string): Promise<Rollout | undefined> {
    const row = await this.db
      .selectFrom('rollout')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRollout(row);
  }

  /** The model's rollouts, newest first. */
  async list(model: string, limit = 20): Promise<Rollout[]> {
    const rows = await this.db
      .selectFrom('rollout')
      .selectAll()
      .where('model_name', '=', model)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRollout);
  }

  /**
   * Moves a rollout on, but only from the state the caller judged (`expected`): with several
   * servers analysing, exactly one wins the step and the others see `false`.
   */
  async transition(
    id: string,
    expected: { status: RolloutStatus; stepIndex: number },
    next: { status: RolloutStatus; stepIndex?: number; reason?: string | null },
  ): Promise<boolean> {
    const ended = next.status !== 'active' && next.status !== 'paused';
    const now = new Date();
    const result = await this.db
      .updateTable('rollout')
      .set({
        status: next.status,
        ...(next.stepIndex !== undefined
          ? { step_index: next.stepIndex, step_started_at: now }
          : {}),
        ...(next.reason !== undefined ? { status_reason: next.reason } : {}),
        ...(ended ? { ended_at: now } : {}),
        ...(next.status === 'active' && expected.status === 'paused'
          ? { step_started_at: now }
          : {}),
      })
      .where('id', '=', id)
      .where('status', '=', expected.status)
      .where('step_index', '=', expected.stepIndex)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertAnalysis(analysis: Omit<RolloutAnalysis, 'id' | 'at'>): Promise<RolloutAnalysis> {
    const row = await this.db
      .insertInto('rollout_analysis')
      .values({
        rollout_id: analysis.rolloutId,
        step_index: analysis.stepIndex,
        weight: analysis.weight,
        outcome: analysis.outcome,
        reasons: toJson(analysis.reasons),
        metrics: toJson(analysis.metrics),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAnalysis(row);
  }

  /** A rollout's analyses, oldest first. */
  async analyses(rolloutId: string): Promise<RolloutAnalysis[]> {
    const rows = await this.db
      .selectFrom('rollout_analysis')
      .selectAll()
      .where('rollout_id', '=', rolloutId)
      .orderBy('id')
      .execute();
    return rows.map(toAnalysis);
  }
}

function toRollout(row: Selectable<RolloutTable>): Rollout {
  return {
    id: row.id,
    model: row.model_name,
    mode: row.mode,
    championVersion: row.champion_version,
    challengerVersion: row.challenger_version,
    steps: row.steps,
    stepIndex: row.step_index,
    sampleRate: row.sample_rate,
    intervalMs: Number(row.interval_ms),
    status: row.status,
    statusReason: row.status_reason,
    createdBy: row.created_by,
    startedAt: new Date(row.started_at),
    stepStartedAt: new Date(row.step_started_at),
    endedAt: row.ended_at && new Date(row.ended_at),
  };
}

function toAnalysis(row: Selectable<RolloutAnalysisTable>): RolloutAnalysis {
  return {
    id: Number(row.id),
    rolloutId: row.rollout_id,
    stepIndex: row.step_index,
    weight: row.weight,
    outcome: row.outcome,
    reasons: row.reasons,
    metrics: row.metrics,
    at: new Date(row.at),
  };
}
