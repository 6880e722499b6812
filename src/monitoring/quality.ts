import type { Respondent } from '../data/record.js';
import {
  ageBand,
  brierScore,
  calibrationBins,
  degreeLevel,
  rocAuc,
  type CalibrationBin,
} from '../ml/metrics.js';
import { delongPairedTest } from '../serving/statistics.js';

/** A scored prediction with its ground truth, as the prediction log joins them. */
export interface LabelledPrediction {
  version: number;
  route: string;
  inputs: Respondent | null;
  probability: number;
  /** The label the model answered (its threshold applied), when it answered. */
  predicted: 0 | 1 | null;
  label: 0 | 1;
}

/** A figure with its 95% confidence interval and the number of labels behind it. */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  labels: number;
}

export interface QualityFigures {
  labels: number;
  positives: number;
  /** DeLong's variance (Sun & Xu); null with one class only. */
  rocAuc: Estimate;
  /** Of the answered labels, at the version's threshold; Wald interval. */
  accuracy: Estimate;
  /** Mean squared error of the probability; normal interval. */
  brier: Estimate;
  calibration: CalibrationBin[];
}

export interface VersionQuality extends QualityFigures {
  version: number;
  /** Per fairness slice: `gender=Female`, `age_band=18-21`, `degree_level=bachelor` … */
  slices: Record<string, QualityFigures>;
}

const Z = 1.959963984540054;
const clamp = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Continuous evaluation (the NannyML counterpart, with labels): per model version, ROC-AUC,
 * accuracy, Brier and the calibration curve of the predictions whose ground truth arrived,
 * with confidence intervals and label counts, overall and per fairness slice.
 */
export function evaluatePredictions(predictions: readonly LabelledPrediction[]): VersionQuality[] {
  const byVersion = new Map<number, LabelledPrediction[]>();
  for (const p of predictions) byVersion.set(p.version, [...(byVersion.get(p.version) ?? []), p]);
  return [...byVersion.entries()]
    .sort(([a], [b]) => a - b)
    .map(([version, rows]) => {
      const slices: Record<string, LabelledPrediction[]> = {};
      for (const row of rows) {
        if (!row.inputs) continue;
        for (const key of [
          `gender=${row.inputs.gender ?? 'not given'}`,
          `age_band=${ageBand(row.inputs.age)}`,
          `degree_level=${degreeLevel(row.inputs.degree)}`,
        ])
          (slices[key] ??= []).push(row);
      }
      return {
        version,
        ...figures(rows),
        slices: Object.fromEntries(
          Object.entries(slices)
            .sort()
            .map(([key, part]) => [key, figures(part)]),
        ),
      };
    });
}

function figures(rows: readonly LabelledPrediction[]): QualityFigures {
  const labels = Uint8Array.from(rows, (r) => r.label);
  const probabilities = Float64Array.from(rows, (r) => r.probability);
  const positives = labels.reduce((s, y) => s + y, 0);
  const n = rows.length;
  let auc: Estimate = { value: null, low: null, high: null, labels: n };
  if (positives > 0 && positives < n) {
    // DeLong's variance of one AUC: paired against a constant score, whose own components
    // vanish, the variance of the difference is this AUC's.
    const { standardError } = delongPairedTest(labels, new Float64Array(n), probabilities);
    const value = rocAuc(labels, probabilities);
    auc = {
      value,
      low: clamp(value - Z * standardError),
      high: clamp(value + Z * standardError),
      labels: n,
    };
  }
  const answered = rows.filter((r) => r.predicted !== null);
  const correct = answered.filter((r) => r.predicted === r.label).length;
  const accuracyValue = answered.length ? correct / answered.length : null;
  const accuracySe =
    accuracyValue === null ? 0 : Math.sqrt((accuracyValue * (1 - accuracyValue)) / answered.length);
  const squared = rows.map((r) => (r.probability - r.label) ** 2);
  const brier = n ? brierScore(labels, probabilities) : null;
  const brierSd =
    brier === null || n < 2
      ? 0
      : Math.sqrt(squared.reduce((s, e) => s + (e - brier) ** 2, 0) / (n - 1) / n);
  return {
    labels: n,
    positives,
    rocAuc: auc,
    accuracy: {
      value: accuracyValue,
      low: accuracyValue === null ? null : clamp(accuracyValue - Z * accuracySe),
      high: accuracyValue === null ? null : clamp(accuracyValue + Z * accuracySe),
      labels: answered.length,
    },
    brier: {
      value: brier,
      low: brier === null ? null : Math.max(0, brier - Z * brierSd),
      high: brier === null ? null : brier + Z * brierSd,
      labels: n,
    },
    calibration: n ? calibrationBins(labels, probabilities, 10) : [],
  };
}
