import { normalCdf } from '../../serving/statistics.js';
import type { RetrainSettings } from '../settings.js';

/** A model's figures on one evaluation set. */
export interface Figures {
  rocAuc: number | null;
  brier: number;
  accuracy: number;
}

/** A candidate and the champion on one evaluation set, scored on the same rows. */
export interface SetComparison {
  /** `reference` (held out from the base once) or `survey-holdout` (this interval's, trained on by none). */
  set: string;
  rows: number;
  positives: number;
  champion: Figures;
  candidate: Figures;
  /** DeLong's paired test, candidate − champion; null when a class is missing. */
  delong: { difference: number; standardError: number } | null;
  slices: { slice: string; rows: number; champion: number | null; candidate: number | null }[];
}

export interface CandidateEvaluation {
  /** The task that trained it, e.g. `train-1`. */
  task: string;
  runId: string;
  family: string;
  sets: SetComparison[];
}

export interface GateDecision {
  decision: 'challenger' | 'refused';
  /** The candidate let through (the best that passed), if any. */
  chosen: CandidateEvaluation | null;
  /** Why, in plain sentences, for the run and the audit log. */
  reasons: string[];
  candidates: { task: string; passed: boolean; reasons: string[] }[];
  /**
   * True when the interval's own labels look wrong: no model, the champion included, predicts
   * them (ROC-AUC under `minAuc`). The interval's data is then kept out of later training sets.
   */
  labelsSuspect: boolean;
}

type Gate = RetrainSettings['gate'];

const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

/**
 * The champion/challenger gate. A candidate passes when, on every evaluation set with enough
 * rows of each class: its ROC-AUC is at least `minAuc`; DeLong's paired test does not show it
 * worse than the champion by more than `aucMargin` (one-sided, level `alpha`: the test of
 * H0 Δ ≥ −margin); its Brier score is at most `brierMargin` above the champion's; and no
 * fairness slice (gender, age band, degree level, with `sliceMinRows` rows and both classes)
 * loses more than `sliceMargin` of ROC-AUC. Among those that pass, the best mean ROC-AUC wins.
 * Several sets and slices are checked at once, which makes a refusal more likely, not a pass:
 * the gate errs on the side of the champion.
 */
export function judgeCandidates(
  candidates: readonly CandidateEvaluation[],
  gate: Gate,
): GateDecision {
  const usable = (set: SetComparison) =>
    set.positives >= gate.minClassRows && set.rows - set.positives >= gate.minClassRows;
  const judged = candidates.map((candidate) => {
    const reasons: string[] = [];
    const sets = candidate.sets.filter(usable);
    if (sets.length === 0)
      reasons.push(`no evaluation set has ${gate.minClassRows} rows of each class`);
    for (const set of sets) {
      const { champion, candidate: mine, delong } = set;
      const where = `on ${set.set} (${set.rows} rows)`;
      if (mine.rocAuc === null || mine.rocAuc < gate.minAuc)
        reasons.push(`ROC-AUC ${f3(mine.rocAuc)} ${where} is under the floor ${gate.minAuc}`);
      if (delong && delong.standardError > 0) {
        const z = (delong.difference + gate.aucMargin) / delong.standardError;
        const p = normalCdf(z);
        if (p < gate.alpha)
          reasons.push(
            `ROC-AUC ${f3(mine.rocAuc)} vs champion ${f3(champion.rocAuc)} ${where}: worse by more than ${gate.aucMargin} (DeLong one-sided p = ${p.toPrecision(2)} < ${gate.alpha})`,
          );
      } else if (delong && delong.difference < -gate.aucMargin) {
        reasons.push(
          `ROC-AUC ${f3(mine.rocAuc)} vs champion ${f3(champion.rocAuc)} ${where}: worse by more than ${gate.aucMargin}`,
        );
      }
      if (mine.brier > champion.brier + gate.brierMargin)
        reasons.push(
          `Brier ${mine.brier.toFixed(4)} vs champion ${champion.brier.toFixed(4)} ${where}: above the limit +${gate.brierMargin}`,
        );
      for (const slice of set.slices) {
        if (slice.rows < gate.sliceMinRows || slice.champion === null || slice.candidate === null)
          continue;
        if (slice.candidate < slice.champion - gate.sliceMargin)
          reasons.push(
            `slice ${slice.slice} ${where}: ROC-AUC ${f3(slice.candidate)} vs champion ${f3(slice.champion)}, worse by more than ${gate.sliceMargin}`,
          );
      }
    }
    const meanAuc =
      sets.reduce((sum, set) => sum + (set.candidate.rocAuc ?? 0), 0) / Math.max(1, sets.length);
    return { candidate, passed: reasons.length === 0, reasons, meanAuc };
  });

  const holdoutUnpredictable = candidates.some((candidate) =>
    candidate.sets.some(
      (set) =>
        set.set === 'survey-holdout' &&
        usable(set) &&
        (set.champion.rocAuc ?? 0) < gate.minAuc &&
        candidates.every(
          (c) => (c.sets.find((s) => s.set === set.set)?.candidate.rocAuc ?? 0) < gate.minAuc,
        ),
    ),
  );
  const passing = judged.filter((j) => j.passed).sort((a, b) => b.meanAuc - a.meanAuc);
  const candidatesOut = judged.map((j) => ({
    task: j.candidate.task,
    passed: j.passed,
    reasons: j.reasons,
  }));
  if (passing.length === 0) {
    return {
      decision: 'refused',
      chosen: null,
      reasons: [
        ...(holdoutUnpredictable
          ? [
              "this interval's labels look wrong: no model, the champion included, predicts them; its data is kept out of later training",
            ]
          : []),
        ...judged.map(
          (j) => `${j.candidate.task} (${j.candidate.family}): ${j.reasons.join('; ')}`,
        ),
      ],
      candidates: candidatesOut,
      labelsSuspect: holdoutUnpredictable,
    };
  }
  const best = passing[0];
  const figures = best.candidate.sets
    .filter(usable)
    .map(
      (set) =>
        `${set.set}: ROC-AUC ${f3(set.candidate.rocAuc)} vs champion ${f3(set.champion.rocAuc)}, Brier ${set.candidate.brier.toFixed(4)} vs ${set.champion.brier.toFixed(4)}`,
    );
  return {
    decision: 'challenger',
    chosen: best.candidate,
    reasons: [
      `${best.candidate.task} (${best.candidate.family}) passed every check, best mean ROC-AUC ${best.meanAuc.toFixed(3)} of ${passing.length} passing`,
      ...figures,
    ],
    candidates: candidatesOut,
    labelsSuspect: false,
  };
}
