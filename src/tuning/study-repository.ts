import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';
import type { TrialHistory, TrialState } from './sampler.js';
import type { TrialParams } from './search-space.js';
import type { StudyState, TuningStudyTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A tuning study: its fixed definition, its budget and, once finished, what it registered. */
export interface Study {
  id: string;
  name: string;
  /** The study's tracking run; every trial's run is its child. */
  runId: string | null;
  datasetId: string;
  model: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  /** As stored; read it with `parseDefinition`. */
  definition: unknown;
  /** Trials that must end complete or pruned; failed ones do not count. */
  targetTrials: number;
  state: StudyState;
  bestTrial: number | null;
  modelName: string | null;
  modelVersion: number | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toStudy(row: Selectable<TuningStudyTable>): Study {
  return {
    id: row.id,
    name: row.name,
    runId: row.run_id,
    datasetId: row.dataset_id,
    model: row.model,
    metric: row.metric,
    direction: row.direction,
    definition: row.definition,
    targetTrials: row.target_trials,
    state: row.state,
    bestTrial: row.best_trial,
    modelName: row.model_name,
    modelVersion: row.model_version,
    note: row.note,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewStudy {
  id: string;
  name: string;
  datasetId: string;
  model: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  definition: unknown;
  targetTrials: number;
}

/** A trial as stored, with its intermediate values. */
export interface TrialRecord extends TrialHistory {
  worker: string;
  runId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  error: string | null;
}

export interface TrialCounts {
  running: number;
  complete: number;
  pruned: number;
  failed: number;
}

/** What a worker asking for work gets: a new trial, nothing yet (others are still running), or done. */
export type Allocation =
  { kind: 'trial'; number: number; params: TrialParams } | { kind: 'wait' } | { kind: 'done' };

/**
 * Studies and trials in the database, safe with many workers on PostgreSQL:
 * - a trial number is allocated while holding the study's row lock (`select … for update`),
 *   and the primary key (study, number) backs that up, so numbers are unique and gap-free;
 * - that lock is the only one taken explicitly, always first, so workers cannot deadlock;
 * - every later change of a trial is a conditional update from `running` by its own worker,
 *   so a trial marked failed after its heartbeat expired is never overwritten;
 * - intermediate values are insert-only rows, so concurrent reports never lose each other.
 * Times come from the database clock, so workers on machines with skewed clocks agree.
 */
export class StudyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates the study unless one of that name exists; returns the stored one and whether it is new. */
  async createOrGet(study: NewStudy): Promise<{ study: Study; created: boolean }> {
    const inserted = await this.db
      .insertInto('tuning_study')
      .values({
        id: study.id,
        name: study.name,
        run_id: null,
        dataset_id: study.datasetId,
        model: study.model,
        metric: study.metric,
        direction: study.direction,
        definition: toJson(study.definition),
        target_trials: study.targetTrials,
        state: 'running',
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { study: toStudy(inserted), created: true };
    return { study: (await this.findByName(study.name))!, created: false };
  }

  async findByName(name: string): Promise<Study | undefined> {
    const row = await this.db
      .selectFrom('tuning_study')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toStudy(row);
  }

  async setRun(studyId: string, runId: string): Promise<void> {
    await this.db
      .updateTable('tuning_study')
      .set({ run_id: runId })
      .where('id', '=', studyId)
      .execute();
  }

  /** Moves the budget (a resumed study may be given more trials); reopens a complete study if it grows. */
  async setTarget(studyId: string, targetTrials: number): Promise<void> {
    await this.db
      .updateTable('tuning_study')
      .set({ target_trials: targetTrials, updated_at: sql`now()` })
      .where('id', '=', studyId)
      .where('target_trials', '<>', targetTrials)
      .execute();
  }

  async list(): Promise<Study[]> {
    const rows = await this.db
      .selectFrom('tuning_study')
      .selectAll()
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toStudy);
  }

  /**
   * Gives the worker its next trial: under the study's row lock, marks trials whose heartbeat
   * expired as failed, checks the budget (complete + pruned + running < target), numbers the
   * trial max + 1 and stores it with the parameters `sample` chooses from the history it sees
   * (running trials included, for the constant liar). `sample` runs inside the transaction:
   * it must only compute, never touch the database (PGlite has one connection).
   */
  async allocateTrial(
    studyId: string,
    worker: string,
    heartbeatTimeoutMs: number,
    sample: (history: TrialHistory[], number: number) => TrialParams,
  ): Promise<Allocation> {
    return this.db.transaction().execute(async (trx) => {
      const study = await trx
        .selectFrom('tuning_study')
        .select(['target_trials', 'state'])
        .where('id', '=', studyId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await this.expireStale(trx, studyId, heartbeatTimeoutMs);
      const history = await this.history(trx, studyId);
      const counts = countStates(history);
      if (counts.complete + counts.pruned >= study.target_trials) return { kind: 'done' };
      if (counts.complete + counts.pruned + counts.running >= study.target_trials) {
        return { kind: 'wait' };
      }
      const number = history.reduce((max, t) => Math.max(max, t.number), -1) + 1;
      const params = sample(history, number);
      await trx
        .insertInto('tuning_trial')
        .values({ study_id: studyId, number, state: 'running', params: toJson(params), worker })
        .execute();
      if (study.state === 'complete') {
        await trx
          .updateTable('tuning_study')
          .set({ state: 'running' })
          .where('id', '=', studyId)
          .execute();
      }
      return { kind: 'trial', number, params };
    });
  }

  async setTrialRun(studyId: string, number: number, runId: string): Promise<void> {
    await this.db
      .updateTable('tuning_trial')
      .set({ run_id: runId })
      .where('study_id', '=', studyId)
      .where('number', '=', number)
      .execute();
  }

  /** Marks this worker's running trials (and a study it finalizes) alive. */
  async heartbeat(worker: string): Promise<void> {
    await this.db
      .updateTable('tuning_trial')
      .set({ heartbeat_at: sql`now()` })
      .where('worker', '=', worker)
      .where('state', '=', 'running')
      .execute();
    await this.db
      .updateTable('tuning_study')
      .set({ finalizer_heartbeat_at: sql`now()` })
      .where('finalizer', '=', worker)
      .where('state', '=', 'finalizing')
      .execute();
  }

  /** Marks running trials not heard of within the timeout as failed; returns their numbers. */
  async expireStale(db: Db, studyId: string, timeoutMs: number): Promise<number[]> {
    const rows = await db
      .updateTable('tuning_trial')
      .set({
        state: 'failed',
        finished_at: sql`now()`,
        error: `worker stopped sending heartbeats (none for ${timeoutMs} ms)`,
      })
      .where('study_id', '=', studyId)
      .where('state', '=', 'running')
      .where('heartbeat_at', '<', sql<Date>`now() - (${timeoutMs} * interval '1 millisecond')`)
      .returning('number')
      .execute();
    return rows.map((row) => row.number);
  }

  async reportStep(studyId: string, number: number, step: number, value: number): Promise<void> {
    await this.db
      .insertInto('tuning_trial_step')
      .values({ study_id: studyId, number, step, value })
      .onConflict((oc) => oc.columns(['study_id', 'number', 'step']).doNothing())
      .execute();
  }

  /** The intermediate values at `step` of the study's complete trials, and how many trials completed. */
  async completedAtStep(
    studyId: string,
    step: number,
  ): Promise<{ values: number[]; completed: number }> {
    const values = await this.db
      .selectFrom('tuning_trial_step as s')
      .innerJoin('tuning_trial as t', (join) =>
        join.onRef('t.study_id', '=', 's.study_id').onRef('t.number', '=', 's.number'),
      )
      .select('s.value')
      .where('s.study_id', '=', studyId)
      .where('s.step', '=', step)
      .where('t.state', '=', 'complete')
      .execute();
    const completed = await this.db
      .selectFrom('tuning_trial')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_id', '=', studyId)
      .where('state', '=', 'complete')
      .executeTakeFirstOrThrow();
    return { values: values.map((row) => row.value), completed: Number(completed.n) };
  }

  /**
   * Ends a running trial of this worker. False when it is no longer running under this
   * worker (its heartbeat expired and it was marked failed): the outcome is then dropped.
   */
  async finishTrial(
    studyId: string,
    number: number,
    worker: string,
    outcome: {
      state: Exclude<TrialState, 'running'>;
      value?: number | null;
      error?: string | null;
    },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('tuning_trial')
      .set({
        state: outcome.state,
        value: outcome.value ?? null,
        error: outcome.error ?? null,
        finished_at: sql`now()`,
      })
      .where('study_id', '=', studyId)
      .where('number', '=', number)
      .where('worker', '=', worker)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Every trial of the study in number order, with its intermediate values. */
  async trials(studyId: string, db: Db = this.db): Promise<TrialRecord[]> {
    // One query after the other: inside a transaction PGlite has a single connection.
    const rows = await db
      .selectFrom('tuning_trial')
      .selectAll()
      .where('study_id', '=', studyId)
      .orderBy('number')
      .execute();
    const steps = await db
      .selectFrom('tuning_trial_step')
      .select(['number', 'step', 'value'])
      .where('study_id', '=', studyId)
      .orderBy('number')
      .orderBy('step')
      .execute();
    const byNumber = new Map<number, Map<number, number>>();
    for (const { number, step, value } of steps) {
      if (!byNumber.has(number)) byNumber.set(number, new Map());
      byNumber.get(number)!.set(step, value);
    }
    return rows.map((row) => ({
      number: row.number,
      state: row.state,
      params: row.params,
      value: row.value,
      intermediate: byNumber.get(row.number) ?? new Map(),
      worker: row.worker,
      runId: row.run_id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      heartbeatAt: row.heartbeat_at,
      error: row.error,
    }));
  }

  async counts(studyId: string): Promise<TrialCounts> {
    const rows = await this.db
      .selectFrom('tuning_trial')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('study_id', '=', studyId)
      .groupBy('state')
      .execute();
    const counts: TrialCounts = { running: 0, complete: 0, pruned: 0, failed: 0 };
    for (const row of rows) counts[row.state] = Number(row.n);
    return counts;
  }

  /**
   * Claims the study's finishing work (refit, registration) for one worker: granted when the
   * study is running, or when the previous finalizer's heartbeat expired.
   */
  async claimFinalization(studyId: string, worker: string, timeoutMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('tuning_study')
      .set({ state: 'finalizing', finalizer: worker, finalizer_heartbeat_at: sql`now()` })
      .where('id', '=', studyId)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'running'),
          // A finished study that registered nothing (e.g. no champion existed yet) may try again.
          eb.and([eb('state', '=', 'complete'), eb('model_version', 'is', null)]),
          eb.and([
            eb('state', '=', 'finalizing'),
            eb(
              'finalizer_heartbeat_at',
              '<',
              sql<Date>`now() - (${timeoutMs} * interval '1 millisecond')`,
            ),
          ]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async completeStudy(
    studyId: string,
    worker: string,
    outcome: {
      bestTrial: number | null;
      modelName: string | null;
      modelVersion: number | null;
      note: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('tuning_study')
      .set({
        state: 'complete',
        best_trial: outcome.bestTrial,
        model_name: outcome.modelName,
        model_version: outcome.modelVersion,
        note: outcome.note,
        updated_at: sql`now()`,
      })
      .where('id', '=', studyId)
      .where('finalizer', '=', worker)
      .execute();
  }

  /** Hands the finishing work back (the finalizer failed) so another worker may claim it. */
  async releaseFinalization(studyId: string, worker: string): Promise<void> {
    await this.db
      .updateTable('tuning_study')
      .set({ state: 'running', finalizer: null, finalizer_heartbeat_at: null })
      .where('id', '=', studyId)
      .where('finalizer', '=', worker)
      .where('state', '=', 'finalizing')
      .execute();
  }

  private async history(trx: Db, studyId: string): Promise<TrialHistory[]> {
    return this.trials(studyId, trx);
  }
}

export function countStates(trials: readonly { state: TrialState }[]): TrialCounts {
  const counts: TrialCounts = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}
