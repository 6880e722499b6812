import { describe, expect, it } from 'vitest';
import { judgeCandidates, type CandidateEvaluation, type SetComparison } from './gate.js';

const gate = {
  aucMargin: 0.02,
  alpha: 0.05,
  minAuc: 0.7,
  brierMargin: 0.02,
  sliceMargin: 0.05,
  sliceMinRows: 30,
  minClassRows: 10,
};

const set = (over: Partial<SetComparison> = {}): SetComparison => ({
  set: 'reference',
  rows: 600,
  positives: 300,
  champion: { rocAuc: 0.9, brier: 0.12, accuracy: 0.84 },
  candidate: { rocAuc: 0.9, brier: 0.12, accuracy: 0.84 },
  delong: { difference: 0, standardError: 0.005 },
  slices: [],
  ...over,
});
const candidate = (task: string, sets: SetComparison[]): CandidateEvaluation => ({
  task,
  runId: `run-${task}`,
  family: 'logistic',
  sets,
});

describe('the champion/challenger gate', () => {
  it('lets through the best candidate that is not worse beyond the margin', () => {
    const decision = judgeCandidates(
      [
        candidate('train-1', [
          set({
            candidate: { rocAuc: 0.895, brier: 0.121, accuracy: 0.84 },
            delong: { difference: -0.005, standardError: 0.005 },
          }),
        ]),
        candidate('train-2', [
          set({
            candidate: { rocAuc: 0.91, brier: 0.118, accuracy: 0.85 },
            delong: { difference: 0.01, standardError: 0.005 },
          }),
        ]),
      ],
      gate,
    );
    expect(decision.decision).toBe('challenger');
    expect(decision.chosen?.task).toBe('train-2');
    expect(decision.reasons[0]).toMatch(
      /train-2 \(logistic\) passed every check, best mean ROC-AUC 0.910 of 2 passing/,
    );
  });

  it('refuses, with each reason: worse beyond the margin by DeLong, under the floor, Brier, a slice', () => {
    const decision = judgeCandidates(
      [
        candidate('train-1', [
          set({
            candidate: { rocAuc: 0.86, brier: 0.16, accuracy: 0.8 },
            delong: { difference: -0.04, standardError: 0.005 },
            slices: [{ slice: 'gender=Female', rows: 200, champion: 0.9, candidate: 0.8 }],
          }),
          set({
            set: 'survey-holdout',
            rows: 60,
            positives: 30,
            candidate: { rocAuc: 0.55, brier: 0.25, accuracy: 0.5 },
          }),
        ]),
      ],
      gate,
    );
    expect(decision.decision).toBe('refused');
    const reasons = decision.candidates[0].reasons.join('\n');
    expect(reasons).toMatch(/worse by more than 0.02 \(DeLong one-sided p = .* < 0.05\)/);
    expect(reasons).toMatch(/ROC-AUC 0.550 on survey-holdout \(60 rows\) is under the floor 0.7/);
    expect(reasons).toMatch(/Brier 0.1600 vs champion 0.1200 .* above the limit \+0.02/);
    expect(reasons).toMatch(/slice gender=Female .* worse by more than 0.05/);
  });

  it('does not refuse for a small drop the test cannot tell from noise, and ignores sets too small to judge', () => {
    const decision = judgeCandidates(
      [
        candidate('train-1', [
          set({
            candidate: { rocAuc: 0.885, brier: 0.125, accuracy: 0.83 },
            delong: { difference: -0.015, standardError: 0.01 },
          }),
          set({
            set: 'survey-holdout',
            rows: 12,
            positives: 3,
            candidate: { rocAuc: 0.4, brier: 0.3, accuracy: 0.5 },
          }),
        ]),
      ],
      gate,
    );
    expect(decision.decision).toBe('challenger');
  });

  it('marks an interval whose labels no model predicts, the champion included', () => {
    const holdout = set({
      set: 'survey-holdout',
      rows: 100,
      positives: 50,
      champion: { rocAuc: 0.52, brier: 0.26, accuracy: 0.5 },
      candidate: { rocAuc: 0.5, brier: 0.26, accuracy: 0.5 },
    });
    const decision = judgeCandidates([candidate('train-1', [set(), holdout])], gate);
    expect([decision.decision, decision.labelsSuspect]).toEqual(['refused', true]);
    expect(decision.reasons[0]).toMatch(/labels look wrong/);
    // A candidate that is just weak on good labels is refused, but the week's data stays.
    const weak = judgeCandidates(
      [
        candidate('train-1', [
          set(),
          { ...holdout, champion: { rocAuc: 0.9, brier: 0.1, accuracy: 0.85 } },
        ]),
      ],
      gate,
    );
    expect([weak.decision, weak.labelsSuspect]).toEqual(['refused', false]);
  });
});
