import { describe, expect, it } from 'vitest';
import {
  accuracy,
  ageBand,
  averagePrecision,
  brierScore,
  calibrationBins,
  chooseThreshold,
  classificationReport,
  confusionMatrix,
  degreeLevel,
  f1Score,
  logLoss,
  precision,
  recall,
  rocAuc,
  sliceMetrics,
} from './metrics.js';

describe('ranking metrics', () => {
  // scikit-learn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333…
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];

  it('ROC-AUC matches the hand-computed value', () => {
    expect(rocAuc(y, s)).toBeCloseTo(0.75, 12);
    expect(rocAuc([0, 1], [0.2, 0.9])).toBe(1);
    expect(rocAuc([0, 1], [0.9, 0.2])).toBe(0);
  });

  it('ROC-AUC counts ties as half', () => {
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // negative 0.2 vs positives 0.2 (tie, ½) and 0.9 (win, 1) → 1.5 / 2
    expect(rocAuc([0, 1, 1], [0.2, 0.2, 0.9])).toBe(0.75);
  });

  it('average precision matches the hand-computed value', () => {
    // thresholds 0.8: P=1, R=.5; 0.4: P=.5, R=.5; 0.35: P=2/3, R=1; → .5·1 + .5·(2/3)
    expect(averagePrecision(y, s)).toBeCloseTo(5 / 6, 12);
  });

  it('rejects a single class and mismatched lengths', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.4])).toThrow(/both classes/);
    expect(() => rocAuc([1, 0], [0.2])).toThrow(/2 labels but 1 scores/);
    expect(() => rocAuc([1, 0], [0.2, Number.NaN])).toThrow(/score 1 is NaN/);
  });
});

describe('probability metrics', () => {
  it('log loss and Brier match hand-computed values', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    expect(brierScore([1, 0], [0.8, 0.3])).toBeCloseTo(0.065, 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true); // clipped
  });
});

describe('threshold metrics', () => {
  const y = [1, 1, 0, 0, 1];
  const p = [0.9, 0.4, 0.6, 0.1, 0.5];

  it('confusion matrix counts p ≥ threshold as positive', () => {
    expect(confusionMatrix(y, p, 0.5)).toEqual({
      truePositives: 2,
      falsePositives: 1,
      trueNegatives: 1,
      falseNegatives: 1,
    });
    expect(accuracy(y, p)).toBeCloseTo(0.6, 12);
    expect(precision(y, p)).toBeCloseTo(2 / 3, 12);
    expect(recall(y, p)).toBeCloseTo(2 / 3, 12);
    expect(f1Score(y, p)).toBeCloseTo(2 / 3, 12);
    expect(precision([0, 1], [0.1, 0.2], 0.5)).toBe(0); // 0/0 → 0
  });

  it('chooses thresholds: fixed, max F1, target recall', () => {
    expect(chooseThreshold(y, p, { kind: 'fixed', threshold: 0.5 })).toBe(0.5);
    // F1 by threshold: .9 → .5, .6 → .4, .5 → .667, .4 → .857, .1 → .75
    expect(chooseThreshold(y, p, { kind: 'max-f1' })).toBe(0.4);
    // recall: .9 → 1/3, .6 → 1/3, .5 → 2/3
    expect(chooseThreshold(y, p, { kind: 'target-recall', recall: 0.6 })).toBe(0.5);
    expect(chooseThreshold(y, p, { kind: 'target-recall', recall: 1 })).toBe(0.4);
    expect(() => chooseThreshold(y, p, { kind: 'fixed', threshold: 2 })).toThrow(/threshold/);
  });
});

describe('calibrationBins', () => {
  it('groups predictions into equal-width bins', () => {
    expect(calibrationBins([0, 1, 1, 1], [0.1, 0.2, 0.7, 1], 2)).toEqual([
      { lower: 0, upper: 0.5, count: 2, meanPredicted: 0.15000000000000002, fractionPositive: 0.5 },
      { lower: 0.5, upper: 1, count: 2, meanPredicted: 0.85, fractionPositive: 1 },
    ]);
  });
});

describe('slices', () => {
  it('computes metrics per key, null AUC for a one-class slice', () => {
    const items = [{ g: 'a' }, { g: 'a' }, { g: 'b' }, { g: 'b' }];
    const slices = sliceMetrics(items, [0, 1, 1, 1], [0.2, 0.8, 0.6, 0.4], (item) => item.g);
    expect([...slices.keys()]).toEqual(['a', 'b']);
    expect(slices.get('a')!.rocAuc).toBe(1);
    expect(slices.get('b')!.rocAuc).toBeNull();
    expect(slices.get('b')!.recall).toBe(0.5);
  });

  it('classificationReport bundles the metrics', () => {
    const report = classificationReport([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(report.rocAuc).toBeCloseTo(0.75, 12);
    expect(report.positives).toBe(2);
    expect(report.confusion.truePositives).toBe(1);
  });

  it('ageBand', () => {
    expect([17, 18, 21, 22, 25, 26, 29, 30, 34, 35, 59].map(ageBand)).toEqual([
      'under-18',
      '18-21',
      '18-21',
      '22-25',
      '22-25',
      '26-29',
      '26-29',
      '30-34',
      '30-34',
      '35+',
      '35+',
    ]);
  });

  it('degreeLevel', () => {
    const cases: Record<string, string> = {
      'Class 12': 'school',
      'B.Ed': 'bachelor',
      BSc: 'bachelor',
      BA: 'bachelor',
      BE: 'bachelor',
      LLB: 'bachelor',
      MBBS: 'bachelor',
      BHM: 'bachelor',
      'M.Tech': 'master',
      MSc: 'master',
      MBA: 'master',
      MD: 'master',
      LLM: 'master',
      ME: 'master',
      MHM: 'master',
      PhD: 'doctorate',
      Others: 'other',
      Bhavna: 'other',
      Mira: 'other',
    };
    for (const [degree, level] of Object.entries(cases))
      expect([degree, degreeLevel(degree)]).toEqual([degree, level]);
  });
});
