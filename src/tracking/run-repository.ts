import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { toJson } from '../platform/db/columns.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { DomainError } from '../errors.js';
import type { Database } from '../platform/db/schema.js';
import type { ExperimentId, RunId } from './ids.js';
import type { RunArtifactTable, RunStatus, RunTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Experiment {
  id: ExperimentId;
  name: string;
  createdAt: Date;
}

/** A run as stored, without its metrics and artifacts. */
export interface RunRecord {
  id: RunId;
  experimentId: ExperimentId;
  experiment: string;
  name: string;
  status: RunStatus;
  params: Record<string, unknown>;
  config: unknown;
  datasetId: string | null;
  datasetHash: string | null;
  tags: Record<string, string>;
  seed: number | null;
  codeVersion: string | null;
  parentRunId: RunId | null;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
}

/** How often a running run shows it is alive, and after how long without a sign it is taken as dead. */
export const RUN_HEARTBEAT_MS = 10_000;
export const RUN_STALE_AFTER_MS = 60_000;

export interface NewRun {
  id: RunId;
  experimentId: ExperimentId;
  name: string;
  params: Record<string, unknown>;
  config: unknown;
  datasetId: string | null;
  datasetHash: string | null;
  tags: Record<string, string>;
  seed: number | null;
  codeVersion: string | null;
  parentRunId: RunId | null;
  jobId: string | null;
}

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
  parentRunId?: RunId;
  limit: number;
}

export interface MetricPoint {
  step: number;
  value: number;
  recordedAt: Date;
}

/** One metric key of a run: its latest point (highest step, then last logged) and the range of its series. */
export interface MetricSummary {
  key: string;
  value: number;
  step: number;
  points: number;
  min: number;
  max: number;
  firstStep: number;
}

export interface Artifact {
  path: string;
  blobKey: string;
  sha256: string;
  size: number;
  contentType: string;
  createdAt: Date;
}

/** Only this module touches the experiment and run tables. */
export class RunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** The experiment with this name, created with `id` if there is none (safe under concurrency). */
  async getOrCreateExperiment(name: string, id: ExperimentId): Promise<Experiment> {
    await this.db
      .insertInto('experiment')
      .values({ id, name })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('experiment')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return { id: row.id as ExperimentId, name: row.name, createdAt: row.created_at };
  }

  async listExperiments(): Promise<Experiment[]> {
    const rows = await this.db.selectFrom('experiment').selectAll().orderBy('name').execute();
    return rows.map((row) => ({
      id: row.id as ExperimentId,
      name: row.name,
      createdAt: row.created_at,
    }));
  }

  async insertRun(run: NewRun): Promise<void> {
    await this.db
      .insertInto('run')
      .values({
        id: run.id,
        experiment_id: run.experimentId,
        name: run.name,
        status: 'running',
        params: toJson(run.params),
        config: toJson(run.config),
        dataset_id: run.datasetId,
        dataset_hash: run.datasetHash,
        tags: toJson(run.tags),
        seed: run.seed,
        code_version: run.codeVersion,
        parent_run_id: run.parentRunId,
        job_id: run.jobId,
        heartbeat_at: sql<Date>`now()`,
      })
      .execute()
      .catch((error: unknown) => {
        // The only unique key a new run can hit besides its fresh id: the job's live run.
        if (run.jobId !== null && isUniqueViolation(error))
          throw DomainError.conflict(`Job ${run.jobId} already has a live run`, { cause: error });
        throw error;
      });
  }

  /** The run job `jobId` started, if it is still the job's (see `detachJob`). */
  async findRunOfJob(
    jobId: string,
    staleAfterMs: number,
  ): Promise<{ id: RunId; status: RunStatus; stale: boolean } | undefined> {
    const row = await this.db
      .selectFrom('run')
      .select([
        'id',
        'status',
        sql<boolean>`heartbeat_at < now() - ${staleAfterMs} * interval '1 millisecond'`.as('stale'),
      ])
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && { id: row.id as RunId, status: row.status, stale: row.stale };
  }

  /** Frees a job's id from an ended run, so that the job's next attempt can start a new one. */
  async detachJob(id: RunId): Promise<void> {
    await this.db.updateTable('run').set({ job_id: null }).where('id', '=', id).execute();
  }

  async heartbeat(id: RunId): Promise<void> {
    await this.db
      .updateTable('run')
      .set({ heartbeat_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Ends as failed every running run without a heartbeat for `staleAfterMs`; their ids. */
  async failStaleRuns(reason: string, staleAfterMs: number): Promise<RunId[]> {
    const rows = await this.db
      .updateTable('run')
      .set({ status: 'failed', error: reason, ended_at: sql<Date>`now()` })
      .where('status', '=', 'running')
      .where(
        sql<boolean>`coalesce(heartbeat_at, started_at) < now() - ${staleAfterMs} * interval '1 millisecond'`,
      )
      .returning('id')
      .execute();
    return rows.map((row) => row.id as RunId);
  }

  /** Pass the open transaction when there is one: embedded PGlite has a single connection. */
  async findRun(id: string, db: Db = this.db): Promise<RunRecord | undefined> {
    const row = await runQuery(db).where('run.id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async findRuns(ids: readonly string[]): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    const rows = await runQuery(this.db).where('run.id', 'in', ids).execute();
    return rows.map(toRun);
  }

  /** Newest first. */
  async listRuns(filter: RunFilter): Promise<RunRecord[]> {
    let query = runQuery(this.db);
    if (filter.experiment !== undefined)
      query = query.where('experiment.name', '=', filter.experiment);
    if (filter.status !== undefined) query = query.where('run.status', '=', filter.status);
    if (filter.parentRunId !== undefined)
      query = query.where('run.parent_run_id', '=', filter.parentRunId);
    const rows = await query
      .orderBy('run.started_at', 'desc')
      .orderBy('run.id')
      .limit(filter.limit)
      .execute();
    return rows.map(toRun);
  }

  /**
   * Ends a running run. Conditional on `status = 'running'`, so of two racing calls only one
   * wins; returns false when the run was not running (or does not exist).
   */
  async endRun(
    id: RunId,
    status: Exclude<RunStatus, 'running'>,
    error: string | null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('run')
      .set({ status, error, ended_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Reads the params with a row lock, so that concurrent merges do not lose keys. */
  async lockParams(
    trx: Transaction<Database>,
    id: RunId,
  ): Promise<Record<string, unknown> | undefined> {
    const row = await trx
      .selectFrom('run')
      .select('params')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row?.params;
  }

  async writeParams(
    trx: Transaction<Database>,
    id: RunId,
    params: Record<string, unknown>,
  ): Promise<void> {
    await trx
      .updateTable('run')
      .set({ params: toJson(params) })
      .where('id', '=', id)
      .execute();
  }

  /** Appends metric points in one statement. */
  async insertMetrics(
    runId: RunId,
    points: readonly { key: string; step: number; value: number }[],
  ): Promise<void> {
    if (points.length === 0) return;
    await this.db
      .insertInto('run_metric')
      .values(
        points.map((point) => ({
          run_id: runId,
          key: point.key,
          step: point.step,
          value: point.value,
        })),
      )
      .execute();
  }

  /** Latest value and series range per metric key, keys in alphabetical order. */
  async metricSummaries(runIds: readonly RunId[]): Promise<Map<RunId, MetricSummary[]>> {
    const byRun = new Map<RunId, MetricSummary[]>(runIds.map((id) => [id, []]));
    if (runIds.length === 0) return byRun;
    const latest = await this.db
      .selectFrom('run_metric')
      .distinctOn(['run_id', 'key'])
      .select(['run_id', 'key', 'value', 'step'])
      .where('run_id', 'in', runIds)
      .orderBy('run_id')
      .orderBy('key')
      .orderBy('step', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const ranges = await this.db
      .selectFrom('run_metric')
      .select((eb) => [
        'run_id',
        'key',
        eb.fn.countAll<number>().as('points'),
        eb.fn.min('value').as('min'),
        eb.fn.max('value').as('max'),
        eb.fn.min('step').as('first_step'),
      ])
      .where('run_id', 'in', runIds)
      .groupBy(['run_id', 'key'])
      .execute();
    const rangeOf = new Map(ranges.map((range) => [`${range.run_id}\u0000${range.key}`, range]));
    for (const point of latest) {
      const range = rangeOf.get(`${point.run_id}\u0000${point.key}`)!;
      byRun.get(point.run_id as RunId)?.push({
        key: point.key,
        value: point.value,
        step: point.step,
        points: Number(range.points),
        min: Number(range.min),
        max: Number(range.max),
        firstStep: Number(range.first_step),
      });
    }
    return byRun;
  }

  /** Every point of the run's series (optionally only some keys), each in step order. */
  async metricSeries(
    runId: RunId,
    keys?: readonly string[],
  ): Promise<Record<string, MetricPoint[]>> {
    let query = this.db
      .selectFrom('run_metric')
      .select(['key', 'step', 'value', 'recorded_at'])
      .where('run_id', '=', runId);
    if (keys) {
      if (keys.length === 0) return {};
      query = query.where('key', 'in', keys);
    }
    const rows = await query.orderBy('key').orderBy('step').orderBy('id').execute();
    const series: Record<string, MetricPoint[]> = {};
    for (const row of rows) {
      (series[row.key] ??= []).push({
        step: row.step,
        value: row.value,
        recordedAt: row.recorded_at,
      });
    }
    return series;
  }

  /** Records an artifact; logging the same path again replaces the record. */
  async upsertArtifact(runId: RunId, artifact: Omit<Artifact, 'createdAt'>): Promise<Artifact> {
    const row = await this.db
      .insertInto('run_artifact')
      .values({
        run_id: runId,
        path: artifact.path,
        blob_key: artifact.blobKey,
        sha256: artifact.sha256,
        size: artifact.size,
        content_type: artifact.contentType,
      })
      .onConflict((oc) =>
        oc.columns(['run_id', 'path']).doUpdateSet((eb) => ({
          blob_key: eb.ref('excluded.blob_key'),
          sha256: eb.ref('excluded.sha256'),
          size: eb.ref('excluded.size'),
          content_type: eb.ref('excluded.content_type'),
          created_at: sql<Date>`now()`,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toArtifact(row);
  }

  async listArtifacts(runId: RunId): Promise<Artifact[]> {
    const rows = await this.db
      .selectFrom('run_artifact')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('path')
      .execute();
    return rows.map(toArtifact);
  }

  async findArtifact(runId: RunId, path: string): Promise<Artifact | undefined> {
    const row = await this.db
      .selectFrom('run_artifact')
      .selectAll()
      .where('run_id', '=', runId)
      .where('path', '=', path)
      .executeTakeFirst();
    return row && toArtifact(row);
  }
}

function runQuery(db: Db) {
  return db
    .selectFrom('run')
    .innerJoin('experiment', 'experiment.id', 'run.experiment_id')
    .selectAll('run')
    .select('experiment.name as experiment_name');
}

function toRun(row: Selectable<RunTable> & { experiment_name: string }): RunRecord {
  return {
    id: row.id as RunId,
    experimentId: row.experiment_id as ExperimentId,
    experiment: row.experiment_name,
    name: row.name,
    status: row.status,
    params: row.params,
    config: row.config,
    datasetId: row.dataset_id,
    datasetHash: row.dataset_hash,
    tags: row.tags,
    seed: row.seed,
    codeVersion: row.code_version,
    parentRunId: row.parent_run_id as RunId | null,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
  };
}

function toArtifact(row: Selectable<RunArtifactTable>): Artifact {
  return {
    path: row.path,
    blobKey: row.blob_key,
    sha256: row.sha256,
    size: row.size,
    contentType: row.content_type,
    createdAt: row.created_at,
  };
}
