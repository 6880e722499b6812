import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { toJson } from '../platform/db/columns.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Database } from '../platform/db/schema.js';
import type {
  PipelineRunTable,
  PipelineTaskRunTable,
  RunState,
  RunTrigger,
  TaskLogLine,
  TaskState,
} from './tables.js';

export type PipelineRun = Selectable<PipelineRunTable>;
export type TaskRun = Selectable<PipelineTaskRunTable>;

export interface NewRun {
  id: string;
  pipeline: string;
  runKey: string;
  trigger: RunTrigger;
  interval: { start: Date; end: Date } | null;
  params: Record<string, unknown>;
  createdBy: string;
  /** `skipped` records an interval the scheduler did not run (overlap policy), with `summary`. */
  state?: 'queued' | 'skipped';
  summary?: string;
  tasks: { taskId: string; maxAttempts: number }[];
}

export const ACTIVE_RUN_STATES: readonly RunState[] = ['queued', 'running'];
export const FINISHED_TASK_STATES: readonly TaskState[] = ['succeeded', 'failed', 'skipped'];

/** Pipeline runs, task runs, pause state and the scheduler lease, in the database. */
export class PipelineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a run and its task runs at once. A run key the pipeline has already used stores
   * nothing and returns that run instead (`created: false`).
   */
  async insertRun(run: NewRun, now: Date): Promise<{ run: PipelineRun; created: boolean }> {
    try {
      const stored = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('pipeline_run')
          .values({
            id: run.id,
            pipeline: run.pipeline,
            run_key: run.runKey,
            trigger: run.trigger,
            interval_start: run.interval?.start ?? null,
            interval_end: run.interval?.end ?? null,
            params: toJson(run.params),
            state: run.state ?? 'queued',
            summary: run.summary ?? null,
            created_by: run.createdBy,
            created_at: now,
            finished_at: run.state === 'skipped' ? now : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (run.tasks.length > 0)
          await trx
            .insertInto('pipeline_task_run')
            .values(
              run.tasks.map((task) => ({
                run_id: run.id,
                task_id: task.taskId,
                state: run.state === 'skipped' ? ('skipped' as const) : ('pending' as const),
                attempts: 0,
                max_attempts: task.maxAttempts,
                output: toJson(null),
                log: toJson([]),
              })),
            )
            .execute();
        return row;
      });
      return { run: stored, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findRunByKey(run.pipeline, run.runKey);
      if (!existing) throw error;
      return { run: existing, created: false };
    }
  }

  findRunByKey(pipeline: string, runKey: string): Promise<PipelineRun | undefined> {
    return this.db
      .selectFrom('pipeline_run')
      .selectAll()
      .where('pipeline', '=', pipeline)
      .where('run_key', '=', runKey)
      .executeTakeFirst();
  }

  getRun(id: string): Promise<PipelineRun | undefined> {
    return this.db.selectFrom('pipeline_run').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first. */
  listRuns(options: {
    pipeline?: string;
    states?: readonly RunState[];
    limit: number;
  }): Promise<PipelineRun[]> {
    let query = this.db.selectFrom('pipeline_run').selectAll();
    if (options.pipeline) query = query.where('pipeline', '=', options.pipeline);
    if (options.states) query = query.where('state', 'in', options.states);
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }

  /** The newest run of each pipeline in a state. */
  async latestRuns(state: RunState): Promise<Map<string, PipelineRun>> {
    const rows = await this.db
      .selectFrom('pipeline_run')
      .selectAll()
      .where('state', '=', state)
      .orderBy('pipeline')
      .orderBy('finished_at', 'desc')
      .execute();
    const latest = new Map<string, PipelineRun>();
    for (const row of rows) if (!latest.has(row.pipeline)) latest.set(row.pipeline, row);
    return latest;
  }

  taskRuns(runId: string): Promise<TaskRun[]> {
    return this.db
      .selectFrom('pipeline_task_run')
      .selectAll()
      .where('run_id', '=', runId)
      .execute();
  }

  getTaskRun(runId: string, taskId: string): Promise<TaskRun | undefined> {
    return this.db
      .selectFrom('pipeline_task_run')
      .selectAll()
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
  }

  /**
   * Starts the oldest queued run of a pipeline when none is running; returns it, or
   * undefined when one is running already (the partial unique index decides races).
   */
  async startOldestQueued(pipeline: string, now: Date): Promise<PipelineRun | undefined> {
    try {
      return await this.db
        .updateTable('pipeline_run')
        .set({ state: 'running', started_at: now })
        .where('id', '=', (eb) =>
          eb
            .selectFrom('pipeline_run')
            .select('id')
            .where('pipeline', '=', pipeline)
            .where('state', '=', 'queued')
            .orderBy('created_at')
            .orderBy('id')
            .limit(1),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('pipeline_run as other')
                .select('other.id')
                .where('other.pipeline', '=', pipeline)
                .where('other.state', '=', 'running'),
            ),
          ),
        )
        .returningAll()
        .executeTakeFirst();
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Ends a running run; false when it was not running (another process ended it). */
  async finishRun(
    id: string,
    state: RunState,
    summary: string | null,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('pipeline_run')
      .set({ state, summary, finished_at: now })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setRunSummary(id: string, summary: string): Promise<void> {
    await this.db.updateTable('pipeline_run').set({ summary }).where('id', '=', id).execute();
  }

  /** Puts a finished run back in the queue (a retry by hand). */
  async requeueRun(id: string): Promise<void> {
    await this.db
      .updateTable('pipeline_run')
      .set({ state: 'queued', finished_at: null, started_at: null })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Changes a task run only if it is in one of `from` (and, when given, at `attempts`):
   * the fence that keeps two processes from both moving one task. True when it changed.
   */
  async updateTask(
    runId: string,
    taskId: string,
    from: readonly TaskState[],
    patch: Updateable<PipelineTaskRunTable>,
    attempts?: number,
  ): Promise<boolean> {
    let query = this.db
      .updateTable('pipeline_task_run')
      .set(patch)
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .where('state', 'in', from);
    if (attempts !== undefined) query = query.where('attempts', '=', attempts);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A running try's sign of life, on the database's clock (not the pipeline's, which may be fake). */
  async beat(runId: string, taskId: string, attempt: number): Promise<void> {
    await this.db
      .updateTable('pipeline_task_run')
      .set({ heartbeat_at: sql`now()` })
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .where('state', '=', 'running')
      .where('attempts', '=', attempt)
      .execute();
  }

  /** Whether the task's running try has beaten within `staleAfterMs`. */
  async isAlive(runId: string, taskId: string, staleAfterMs: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('pipeline_task_run')
      .select(
        sql<boolean>`heartbeat_at > now() - make_interval(secs => ${staleAfterMs / 1000})`.as(
          'alive',
        ),
      )
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row?.alive === true;
  }

  /** The outputs of one task over every run of a pipeline that it succeeded in. */
  async taskOutputs(pipeline: string, taskId: string): Promise<Record<string, unknown>[]> {
    const rows = await this.db
      .selectFrom('pipeline_task_run as t')
      .innerJoin('pipeline_run as r', 'r.id', 't.run_id')
      .select('t.output')
      .where('r.pipeline', '=', pipeline)
      .where('t.task_id', '=', taskId)
      .where('t.state', '=', 'succeeded')
      .execute();
    return rows.map((row) => (row.output ?? {}) as Record<string, unknown>);
  }

  async appendLog(runId: string, taskId: string, lines: TaskLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db
      .updateTable('pipeline_task_run')
      .set({ log: sql`log || ${toJson(lines)}::jsonb` })
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .execute();
  }

  async control(
    pipeline: string,
  ): Promise<{ paused: boolean; pausedBy: string | null; firedUntil: Date | null }> {
    const row = await this.db
      .selectFrom('pipeline_control')
      .selectAll()
      .where('pipeline', '=', pipeline)
      .executeTakeFirst();
    return {
      paused: row?.paused ?? false,
      pausedBy: row?.paused_by ?? null,
      firedUntil: row?.fired_until ?? null,
    };
  }

  async setPaused(pipeline: string, paused: boolean, actor: string, now: Date): Promise<void> {
    await this.db
      .insertInto('pipeline_control')
      .values({ pipeline, paused, paused_by: paused ? actor : null, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('pipeline')
          .doUpdateSet({ paused, paused_by: paused ? actor : null, updated_at: now }),
      )
      .execute();
  }

  /** Moves the schedule's mark forward (never back). */
  async setFiredUntil(pipeline: string, firedUntil: Date, now: Date): Promise<void> {
    await this.db
      .insertInto('pipeline_control')
      .values({ pipeline, paused: false, fired_until: firedUntil, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('pipeline')
          .doUpdateSet({ fired_until: firedUntil, updated_at: now })
          .where(({ or, eb }) =>
            or([
              eb('pipeline_control.fired_until', 'is', null),
              eb('pipeline_control.fired_until', '<', firedUntil),
            ]),
          ),
      )
      .execute();
  }

  /**
   * Takes or renews the lease `name` for `holder` until `now + ttlMs`: succeeds when the
   * holder has it already or the last holder's lease has run out. True when held.
   */
  async acquireLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires = new Date(now.getTime() + ttlMs);
    const row = await this.db
      .insertInto('scheduler_lease')
      .values({ name, holder, expires_at: expires, acquired_at: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({
            holder,
            expires_at: expires,
            acquired_at: sql`case when scheduler_lease.holder = ${holder} then scheduler_lease.acquired_at else ${now} end`,
            generation: sql`case when scheduler_lease.holder = ${holder} then scheduler_lease.generation else scheduler_lease.generation + 1 end`,
          })
          .where(({ or, eb }) =>
            or([
              eb('scheduler_lease.holder', '=', holder),
              eb('scheduler_lease.expires_at', '<', now),
            ]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('scheduler_lease')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  async leaseHolder(name: string): Promise<{ holder: string; expiresAt: Date } | undefined> {
    const row = await this.db
      .selectFrom('scheduler_lease')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? { holder: row.holder, expiresAt: row.expires_at } : undefined;
  }
}
