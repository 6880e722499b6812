import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DatasetRepository } from '../data/dataset-repository.js';
import { FEATURE_NAMES, type Respondent } from '../data/record.js';
import { DomainError } from '../errors.js';
import type { BlobStore } from '../platform/blobs/index.js';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';
import type { PredictionLogRepository } from '../serving/prediction-log-repository.js';
import type { RegistryService } from '../tracking/registry-service.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { loadRecords } from '../training/train-model.js';
import { computeDrift, isNumericFeature, sampleOf } from './drift-report.js';
import type { MonitoringSettings } from './settings.js';
import type { DriftReportTable } from './tables.js';

export type StoredDriftReport = Selectable<DriftReportTable>;

/**
 * Drift of what the model sees now against what it learnt from: reference = the champion's
 * training dataset version (and the champion's scores of it), current = the inputs and scores
 * of the prediction log over a window. Every report is stored.
 */
export class DriftService {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      registry: RegistryService;
      blobs: BlobStore;
      datasets: DatasetRepository;
      predictions: PredictionLogRepository;
    },
    private readonly settings: MonitoringSettings['drift'],
    private readonly model: string,
    private readonly parseDuration: (text: string) => number,
  ) {}

  async report(options: { window?: string; now?: Date } = {}): Promise<StoredDriftReport> {
    const windowText = options.window ?? this.settings.window;
    const windowMs = this.parseDuration(windowText);
    const end = options.now ?? new Date();
    const start = new Date(end.getTime() - windowMs);
    const champion = await loadRegisteredModel(
      this.deps.registry,
      this.deps.blobs,
      `${this.model}@champion`,
    );
    const referenceId = champion.artifact.training.datasetId;
    const reference: Respondent[] = (await loadRecords(this.deps.datasets, referenceId)).map(
      ({ depression: _, ...record }) => record,
    );
    const current = await this.deps.predictions.columns(
      this.model,
      { from: start, to: end, limit: this.settings.maxRows },
      {
        numeric: FEATURE_NAMES.filter(isNumericFeature),
        categorical: FEATURE_NAMES.filter((f) => !isNumericFeature(f)),
      },
    );
    if (current.rows === 0)
      throw DomainError.notFound(
        `No predictions of "${this.model}" from ${start.toISOString()} to ${end.toISOString()} (window ${windowText}): nothing to compare`,
      );
    const report = computeDrift(sampleOf(reference), current, this.settings, {
      reference: champion.pipeline.predictProba(reference),
      current: current.probabilities,
      threshold: champion.artifact.threshold,
    });
    return this.deps.db
      .insertInto('drift_report')
      .values({
        id: `dr_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        model_name: this.model,
        model_version: champion.version.version,
        reference_dataset: referenceId,
        window_start: start,
        window_end: end,
        current_rows: current.rows,
        dataset_drift: report.datasetDrift,
        drifted_features: toJson(report.driftedFeatures),
        report: toJson(report),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Newest first. */
  list(limit = 50): Promise<StoredDriftReport[]> {
    return this.deps.db
      .selectFrom('drift_report')
      .selectAll()
      .where('model_name', '=', this.model)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  async get(id: string): Promise<StoredDriftReport> {
    const row = await this.deps.db
      .selectFrom('drift_report')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw DomainError.notFound(`No drift report "${id}"`);
    return row;
  }
}
