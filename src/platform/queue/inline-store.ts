import { sql, type Kysely, type Selectable } from 'kysely';
import { toJson } from '../db/columns.js';
import {
  emptyCounts,
  jobStates,
  type JobCounts,
  type JobId,
  type JobInfo,
  type JobProgress,
  type JobState,
} from './job-queue.js';
import type { Database } from '../db/schema.js';
import type { JobTable } from './tables.js';

export type JobRow = Selectable<JobTable>;

export interface NewJob {
  id: string;
  name: string;
  payload: unknown;
  maxAttempts: number;
  backoffMs: number;
  delayMs: number;
}

/** Who holds an active job, and for which try: writes from anyone else are ignored. */
export interface Lease {
  id: string;
  owner: string;
  attempt: number;
}

export interface RecoveryReport {
  retried: string[];
  failed: string[];
}

/**
 * `waiting` jobs whose time has not come are reported as `delayed`, computed with the
 * database clock so that every process agrees.
 */
const visibleState = sql<JobState>`case when state = 'waiting' and run_at > now() then 'delayed' else state end`;

/**
 * The inline queue's repository: every read and write of the `job` table. Times come from
 * the database clock (`now()`), never from the process, so several processes sharing one
 * PostgreSQL agree on what is due and what is stale.
 */
export class InlineJobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queue: string,
  ) {}

  /** Inserts the job unless one with its id exists; returns whether it was inserted. */
  async insert(job: NewJob): Promise<boolean> {
    const inserted = await this.db
      .insertInto('job')
      .values({
        id: job.id,
        queue: this.queue,
        name: job.name,
        payload: toJson(job.payload),
        state: 'waiting',
        max_attempts: job.maxAttempts,
        backoff_ms: job.backoffMs,
        run_at: sql`now() + ${job.delayMs} * interval '1 millisecond'`,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async get(id: string): Promise<JobInfo | undefined> {
    const row = await this.selectInfo().where('id', '=', id).executeTakeFirst();
    return row && toInfo(row);
  }

  async list(state: JobState | undefined, limit: number): Promise<JobInfo[]> {
    let query = this.selectInfo();
    if (state) query = query.where(visibleState, '=', state);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toInfo);
  }

  async counts(): Promise<JobCounts> {
    const rows = await this.db
      .selectFrom('job')
      .select([visibleState.as('visible'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('queue', '=', this.queue)
      .groupBy(sql`1`)
      .execute();
    const counts = emptyCounts();
    for (const row of rows)
      if (jobStates.includes(row.visible)) counts[row.visible] = Number(row.count);
    return counts;
  }

  /**
   * Takes up to `limit` due jobs for `owner`, oldest due first. `skip locked` lets several
   * workers claim at once without taking the same job; the try is counted here, so a job
   * that kills its process cannot loop forever.
   */
  async claim(owner: string, limit: number): Promise<JobRow[]> {
    return this.db
      .updateTable('job')
      .set((eb) => ({
        state: 'active',
        locked_by: owner,
        heartbeat_at: sql<Date>`now()`,
        started_at: sql<Date>`now()`,
        attempts_made: eb('attempts_made', '+', 1),
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('job')
          .select('id')
          .where('queue', '=', this.queue)
          .where('state', '=', 'waiting')
          .where('run_at', '<=', sql<Date>`now()`)
          .orderBy('run_at')
          .orderBy('created_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  }

  /** Milliseconds until the next waiting job is due (0 if one is due now), or undefined if none waits. */
  async msUntilNextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('job')
      .select(sql<number | null>`extract(epoch from (min(run_at) - now())) * 1000`.as('ms'))
      .where('queue', '=', this.queue)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return row?.ms == null ? undefined : Math.max(0, Math.ceil(Number(row.ms)));
  }

  async heartbeat(owner: string): Promise<void> {
    await this.db
      .updateTable('job')
      .set({ heartbeat_at: sql<Date>`now()` })
      .where('queue', '=', this.queue)
      .where('state', '=', 'active')
      .where('locked_by', '=', owner)
      .execute();
  }

  async setProgress(lease: Lease, progress: JobProgress): Promise<void> {
    await this.leased(lease)
      .set({ progress: toJson(progress) })
      .execute();
  }

  /** Records success; returns false if the lease was lost (the job was recovered meanwhile). */
  async complete(lease: Lease, result: unknown): Promise<boolean> {
    const updated = await this.leased(lease)
      .set({
        state: 'completed',
        result: toJson(result),
        locked_by: null,
        finished_at: sql<Date>`now()`,
      })
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  /** Records a failed try: back to waiting after `retryInMs`, or failed for good when undefined. */
  async fail(lease: Lease, error: string, retryInMs: number | undefined): Promise<boolean> {
    const query = this.leased(lease);
    const updated = await (
      retryInMs === undefined
        ? query.set({ state: 'failed', error, locked_by: null, finished_at: sql<Date>`now()` })
        : query.set({
            state: 'waiting',
            error,
            locked_by: null,
            run_at: sql<Date>`now() + ${retryInMs} * interval '1 millisecond'`,
          })
    ).executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  /**
   * Puts back jobs whose worker is gone: retried at once if tries remain, else failed.
   * `which` selects them: jobs of one owner (a worker giving up on close), every active job of
   * another owner (PGlite: only one process can open the database, so any other owner is
   * dead), or jobs whose heartbeat is older than `staleAfterMs` (shared PostgreSQL).
   */
  async recover(
    which: { owner: string } | { notOwner: string } | { staleAfterMs: number },
    reason: string,
  ): Promise<RecoveryReport> {
    return this.db.transaction().execute(async (trx) => {
      let stranded = trx
        .selectFrom('job')
        .select(['id', 'attempts_made', 'max_attempts'])
        .where('queue', '=', this.queue)
        .where('state', '=', 'active');
      if ('owner' in which) stranded = stranded.where('locked_by', '=', which.owner);
      else if ('notOwner' in which) {
        stranded = stranded.where((eb) =>
          eb.or([eb('locked_by', '!=', which.notOwner), eb('locked_by', 'is', null)]),
        );
      } else {
        stranded = stranded.where(
          sql<boolean>`coalesce(heartbeat_at, started_at, created_at) < now() - ${which.staleAfterMs} * interval '1 millisecond'`,
        );
      }
      const rows = await stranded.forUpdate().skipLocked().execute();
      const retried = rows
        .filter((row) => row.attempts_made < row.max_attempts)
        .map((row) => row.id);
      const failed = rows
        .filter((row) => row.attempts_made >= row.max_attempts)
        .map((row) => row.id);
      if (retried.length) {
        await trx
          .updateTable('job')
          .set({ state: 'waiting', error: reason, locked_by: null, run_at: sql<Date>`now()` })
          .where('id', 'in', retried)
          .execute();
      }
      if (failed.length) {
        await trx
          .updateTable('job')
          .set({
            state: 'failed',
            error: `${reason}; no attempts left`,
            locked_by: null,
            finished_at: sql<Date>`now()`,
          })
          .where('id', 'in', failed)
          .execute();
      }
      return { retried, failed };
    });
  }

  private leased(lease: Lease) {
    return this.db
      .updateTable('job')
      .where('id', '=', lease.id)
      .where('state', '=', 'active')
      .where('locked_by', '=', lease.owner)
      .where('attempts_made', '=', lease.attempt);
  }

  private selectInfo() {
    return this.db
      .selectFrom('job')
      .select([
        'id',
        'name',
        'payload',
        visibleState.as('visible'),
        'progress',
        'result',
        'error',
        'attempts_made',
        'max_attempts',
        'created_at',
        'started_at',
        'finished_at',
      ])
      .where('queue', '=', this.queue);
  }
}

type InfoRow = Pick<
  JobRow,
  | 'id'
  | 'name'
  | 'payload'
  | 'progress'
  | 'result'
  | 'error'
  | 'attempts_made'
  | 'max_attempts'
  | 'created_at'
  | 'started_at'
  | 'finished_at'
> & { visible: JobState };

function toInfo(row: InfoRow): JobInfo {
  return {
    id: row.id as JobId,
    name: row.name,
    payload: row.payload,
    state: row.visible,
    progress: (row.progress as JobProgress | null) ?? 0,
    result: row.result ?? null,
    error: row.error,
    attemptsMade: row.attempts_made,
    maxAttempts: row.max_attempts,
    createdAt: new Date(row.created_at),
    startedAt: row.started_at && new Date(row.started_at),
    finishedAt: row.finished_at && new Date(row.finished_at),
  };
}
