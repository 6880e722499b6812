import { redactUrls } from '../platform/redact-url.js';
import { createHash } from 'node:crypto';
import type { BlobBody, BlobStore } from '../platform/blobs/index.js';
import { validateBlobKey } from '../platform/blobs/index.js';
import { DomainError, isDomainError } from '../errors.js';
import { newExperimentId, newRunId, type RunId } from './ids.js';
import { assertExperimentName } from './names.js';
import type {
  Artifact,
  Experiment,
  MetricPoint,
  MetricSummary,
  RunFilter,
  RunRecord,
  RunRepository,
} from './run-repository.js';
import { RUN_HEARTBEAT_MS, RUN_STALE_AFTER_MS } from './run-repository.js';
import { assertRunning, type TerminalRunStatus } from './run-status.js';
import type { RunStatus } from './tables.js';

export interface StartRunInput {
  experiment: string;
  name: string;
  params?: Record<string, unknown>;
  /** The resolved configuration, stored as given. */
  config?: unknown;
  datasetId?: string | null;
  datasetHash?: string | null;
  seed?: number | null;
  tags?: Record<string, string>;
  /** The package version or commit that ran, for reproducing the run. */
  codeVersion?: string | null;
  parentRunId?: RunId | null;
  /** The queue job that runs this: a job has at most one live run. */
  jobId?: string | null;
}

/** A run with its latest metrics and artifacts, and its full series when asked for. */
export interface RunDetails extends RunRecord {
  metrics: MetricSummary[];
  artifacts: Artifact[];
  series?: Record<string, MetricPoint[]>;
}

/** One row of a comparison: a param or metric and its value in each compared run. */
export interface ComparisonRow<T> {
  key: string;
  /** In the order of `RunComparison.runs`; `null` where the run has no such key. */
  values: (T | null)[];
  /** True when not every run has the same value. */
  differs: boolean;
}

export interface RunComparison {
  runs: RunRecord[];
  params: ComparisonRow<unknown>[];
  metrics: ComparisonRow<number>[];
}

const MAX_LIST_LIMIT = 1000;
const METRIC_KEY = /^[A-Za-z0-9_.\-/ ]{1,250}$/;

/**
 * Experiment tracking, our MLflow tracking server: runs with params, metric series and
 * artifacts. Artifact bytes go to the object store under `runs/<runId>/<path>`.
 *
 * @example
 * const run = await tracking.startRun({ experiment: 'gbdt', name: 'baseline', params: { depth: 4 } });
 * await tracking.logMetrics(run.id, { auc: 0.91, logloss: 0.32 }, 0);
 * await tracking.logArtifact(run.id, 'pipeline.json', JSON.stringify(pipeline), 'application/json');
 * await tracking.endRun(run.id, 'finished');
 */
export class TrackingService {
  constructor(
    private readonly runs: RunRepository,
    private readonly blobs: BlobStore,
  ) {}

  /** Heartbeats of the runs this process started and has not ended. */
  private readonly heartbeats = new Map<RunId, NodeJS.Timeout>();

  /**
   * Marks a run alive every RUN_HEARTBEAT_MS while this process runs it (from `startRun` to
   * `endRun`): a run whose heartbeats stop because its process died is failed by
   * `failOrphanedRuns` instead of staying `running` forever.
   */
  private keepAlive(runId: RunId): void {
    const timer = setInterval(
      () => void this.runs.heartbeat(runId).catch(() => {}),
      RUN_HEARTBEAT_MS,
    );
    timer.unref();
    this.heartbeats.set(runId, timer);
  }

  /** Fails every running run whose heartbeat is older than RUN_STALE_AFTER_MS; their ids. */
  failOrphanedRuns(): Promise<RunId[]> {
    const seconds = Math.round(RUN_STALE_AFTER_MS / 1000);
    return this.runs.failStaleRuns(
      `the process running it stopped (no sign of life for ${seconds} s)`,
      RUN_STALE_AFTER_MS,
    );
  }

  /**
   * The run a queue job started, with whether its process is still alive (a fresh heartbeat).
   * `detachJob` lets the job's next attempt start a run of its own.
   */
  async runOfJob(
    jobId: string,
  ): Promise<{ id: RunId; status: RunStatus; alive: boolean } | undefined> {
    const found = await this.runs.findRunOfJob(jobId, RUN_STALE_AFTER_MS);
    return found && { id: found.id, status: found.status, alive: !found.stale };
  }

  detachJob(runId: RunId): Promise<void> {
    return this.runs.detachJob(runId);
  }

  async getOrCreateExperiment(name: string): Promise<Experiment> {
    assertExperimentName(name);
    return this.runs.getOrCreateExperiment(name, newExperimentId());
  }

  listExperiments(): Promise<Experiment[]> {
    return this.runs.listExperiments();
  }

  /** Starts a run in status `running`. A child run needs its parent to exist. */
  async startRun(input: StartRunInput): Promise<RunRecord> {
    if (input.name.trim() === '') throw DomainError.invalid('A run needs a name');
    if (input.seed !== undefined && input.seed !== null && !Number.isSafeInteger(input.seed)) {
      throw DomainError.invalid(`Seed must be a whole number, got ${input.seed}`);
    }
    if (input.parentRunId) await this.requireRun(input.parentRunId);
    const experiment = await this.getOrCreateExperiment(input.experiment);
    const id = newRunId();
    await this.runs.insertRun({
      id,
      experimentId: experiment.id,
      name: input.name,
      params: input.params ?? {},
      config: input.config ?? {},
      datasetId: input.datasetId ?? null,
      datasetHash: input.datasetHash ?? null,
      tags: input.tags ?? {},
      seed: input.seed ?? null,
      codeVersion: input.codeVersion ?? null,
      parentRunId: input.parentRunId ?? null,
      jobId: input.jobId ?? null,
    });
    this.keepAlive(id);
    return this.requireRun(id);
  }

  /**
   * Adds params to a running run. A param, once logged, keeps its value: logging it again
   * with the same value is fine, with another value is a conflict (as in MLflow).
   */
  async logParams(runId: RunId, params: Record<string, unknown>): Promise<void> {
    await this.runs.transaction(async (trx) => {
      const run = await this.runs.findRun(runId, trx);
      if (!run) throw runNotFound(runId);
      assertRunning(runId, run.status, 'log params');
      const current = (await this.runs.lockParams(trx, runId)) ?? {};
      for (const [key, value] of Object.entries(params)) {
        if (key in current && JSON.stringify(current[key]) !== JSON.stringify(value)) {
          throw DomainError.conflict(
            `Param "${key}" of run ${runId} is already ${JSON.stringify(current[key])}; ` +
              `params cannot change (got ${JSON.stringify(value)})`,
          );
        }
      }
      await this.runs.writeParams(trx, runId, { ...current, ...params });
    });
  }

  /** Appends one point to the series `key`, e.g. a boosting round's loss (`step` = round). */
  logMetric(runId: RunId, key: string, value: number, step = 0): Promise<void> {
    return this.logMetrics(runId, { [key]: value }, step);
  }

  /** Appends one point per key at the same step, in one statement. */
  async logMetrics(runId: RunId, values: Record<string, number>, step = 0): Promise<void> {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw DomainError.invalid(`Metric step must be a whole number ≥ 0, got ${step}`);
    }
    const points = Object.entries(values).map(([key, value]) => {
      if (!METRIC_KEY.test(key)) {
        throw DomainError.invalid(
          `Invalid metric key "${key}": letters, digits, spaces and "_ . - /", 1–250 characters`,
        );
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw DomainError.invalid(`Metric "${key}" must be a finite number, got ${value}`);
      }
      return { key, step, value };
    });
    const run = await this.requireRun(runId);
    assertRunning(runId, run.status, 'log metrics');
    await this.runs.insertMetrics(runId, points);
  }

  /**
   * Stores `body` in the object store under `runs/<runId>/<path>` and records it; logging the
   * same path again replaces it. `path` follows the blob key rules (e.g. `model/pipeline.json`).
   */
  async logArtifact(
    runId: RunId,
    path: string,
    body: BlobBody,
    contentType = 'application/octet-stream',
  ): Promise<Artifact> {
    const run = await this.requireRun(runId);
    assertRunning(runId, run.status, 'log artifacts');
    const key = artifactKey(runId, path);
    const stored = await this.blobs.put(key, body, { contentType });
    return this.runs.upsertArtifact(runId, {
      path,
      blobKey: stored.key,
      sha256: stored.sha256,
      size: stored.size,
      contentType,
    });
  }

  /** An artifact's record and bytes; the bytes are checked against the recorded SHA-256. */
  async getArtifact(runId: RunId, path: string): Promise<{ artifact: Artifact; body: Buffer }> {
    const artifact = await this.runs.findArtifact(runId, path);
    if (!artifact) {
      await this.requireRun(runId);
      const paths = (await this.runs.listArtifacts(runId)).map((a) => a.path);
      throw DomainError.notFound(
        `Run ${runId} has no artifact "${path}"; it has ${paths.length ? paths.map((p) => `"${p}"`).join(', ') : 'none'}`,
      );
    }
    const body = await this.blobs.getBuffer(artifact.blobKey);
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (sha256 !== artifact.sha256) {
      throw DomainError.conflict(
        `Artifact "${path}" of run ${runId} is corrupt: stored bytes hash to ${sha256}, recorded ${artifact.sha256}`,
      );
    }
    return { artifact, body };
  }

  /** Ends a running run; ending a run that has already ended is a conflict. */
  async endRun(runId: RunId, status: TerminalRunStatus, error?: string): Promise<RunRecord> {
    if ((status as RunStatus) === 'running')
      throw DomainError.invalid('A run cannot be ended as "running"');
    clearInterval(this.heartbeats.get(runId));
    this.heartbeats.delete(runId);
    const ended = await this.runs.endRun(runId, status, error ?? null);
    if (!ended) {
      const run = await this.requireRun(runId);
      assertRunning(runId, run.status, `end it as ${status}`);
    }
    return this.requireRun(runId);
  }

  /** A run with its metrics and artifacts; `series: true` adds every metric point. */
  async getRun(runId: string, options: { series?: boolean } = {}): Promise<RunDetails> {
    const run = await this.requireRun(runId);
    const [summaries, artifacts, series] = await Promise.all([
      this.runs.metricSummaries([run.id]),
      this.runs.listArtifacts(run.id),
      options.series ? this.runs.metricSeries(run.id) : Promise.resolve(undefined),
    ]);
    return {
      ...run,
      // Recorded redacted since; runs from before may still hold a URL's credentials.
      config: redactUrls(run.config),
      metrics: summaries.get(run.id) ?? [],
      artifacts,
      ...(series ? { series } : {}),
    };
  }

  /** The series of one metric key, in step order. */
  async getMetricSeries(runId: RunId, key: string): Promise<MetricPoint[]> {
    await this.requireRun(runId);
    return (await this.runs.metricSeries(runId, [key]))[key] ?? [];
  }

  /** Runs, newest first. */
  listRuns(filter: Partial<RunFilter> = {}): Promise<RunRecord[]> {
    const limit = Math.min(Math.max(1, filter.limit ?? 50), MAX_LIST_LIMIT);
    return this.runs.listRuns({ ...filter, limit });
  }

  /** Params and latest metrics of several runs side by side, in the order of `ids`. */
  async compareRuns(ids: readonly string[]): Promise<RunComparison> {
    if (ids.length === 0) throw DomainError.invalid('Name at least one run to compare');
    const found = await this.runs.findRuns(ids);
    const byId = new Map(found.map((run) => [run.id as string, run]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length)
      throw DomainError.notFound(`No run ${missing.join(', ')} (see \`sdp runs list\`)`);
    const runs = ids.map((id) => byId.get(id)!);
    const summaries = await this.runs.metricSummaries(runs.map((run) => run.id));

    const params = compareRows(
      runs.map((run) => new Map(Object.entries(run.params))),
      (a, b) => JSON.stringify(a) === JSON.stringify(b),
    );
    const metrics = compareRows(
      runs.map((run) => new Map((summaries.get(run.id) ?? []).map((m) => [m.key, m.value]))),
      (a, b) => a === b,
    );
    return { runs, params, metrics };
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.runs.findRun(runId);
    if (!run) throw runNotFound(runId);
    return run;
  }
}

/** The object-store key of a run's artifact; rejects paths that are not valid blob keys. */
export function artifactKey(runId: RunId, path: string): string {
  try {
    validateBlobKey(path);
  } catch (error) {
    if (isDomainError(error, 'invalid')) {
      throw DomainError.invalid(`Invalid artifact path: ${error.details[0]?.message}`);
    }
    throw error;
  }
  return `runs/${runId}/${path}`;
}

function runNotFound(runId: string): DomainError {
  return DomainError.notFound(`No run ${runId} (see \`sdp runs list\`)`);
}

function compareRows<T>(
  columns: Map<string, T>[],
  same: (a: T, b: T) => boolean,
): ComparisonRow<T>[] {
  const keys = [...new Set(columns.flatMap((column) => [...column.keys()]))].sort();
  return keys.map((key) => {
    const values = columns.map((column) => (column.has(key) ? column.get(key)! : null));
    const first = values[0];
    const differs = values.some((value) =>
      value === null || first === null ? value !== first : !same(value, first),
    );
    return { key, values, differs };
  });
}
