import type { LabelledRespondent } from '../data/record.js';
import type { Classifier } from '../ml/estimator.js';
import {
  ageBand,
  calibrationBins,
  classificationReport,
  degreeLevel,
  sliceMetrics,
  type ClassificationReport,
} from '../ml/metrics.js';

/** The headline metrics, as printed by `sdp train --json` and `sdp evaluate --json`. */
export interface HeadlineMetrics {
  roc_auc: number | null;
  pr_auc: number | null;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  log_loss: number;
  brier: number;
}

export interface Evaluation {
  metrics: HeadlineMetrics;
  report: ClassificationReport;
  calibration: ReturnType<typeof calibrationBins>;
  /** Metrics per group, to see whether the model is worse for some students. */
  slices: Record<
    'gender' | 'age_band' | 'degree_level',
    Record<string, HeadlineMetrics & { rows: number }>
  >;
}

export function headline(report: ClassificationReport): HeadlineMetrics {
  return {
    roc_auc: report.rocAuc,
    pr_auc: report.averagePrecision,
    accuracy: report.accuracy,
    precision: report.precision,
    recall: report.recall,
    f1: report.f1,
    log_loss: report.logLoss,
    brier: report.brier,
  };
}

/** Scores labelled records with a fitted pipeline and reports every metric sdp tracks. */
export function evaluate(
  model: Classifier,
  records: readonly LabelledRespondent[],
  threshold: number,
): Evaluation {
  const labels = Uint8Array.from(records, (record) => record.depression);
  const probabilities = model.predictProba(records);
  const report = classificationReport(labels, probabilities, threshold);
  const slice = (keyOf: (record: LabelledRespondent) => string) =>
    Object.fromEntries(
      [...sliceMetrics(records, labels, probabilities, keyOf, threshold)].map(
        ([key, sliceReport]) => [key, { rows: sliceReport.rows, ...headline(sliceReport) }],
      ),
    );
  return {
    metrics: headline(report),
    report,
    calibration: calibrationBins(labels, probabilities, 10),
    slices: {
      gender: slice((record) => record.gender ?? 'not given'),
      age_band: slice((record) => ageBand(record.age)),
      degree_level: slice((record) => degreeLevel(record.degree)),
    },
  };
}
