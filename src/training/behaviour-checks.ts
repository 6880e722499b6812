import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';

/**
 * Behavioural tests of a trained model (Made With ML's "model" tests, after Ribeiro et al.'s
 * CheckList): not how well it scores held-out rows, but whether it behaves as a screening
 * score must. Written once, used by the model test tier and by `sdp test model`.
 */
export type BehaviourCheckKind = 'invariance' | 'direction' | 'minimum-functionality';

export interface BehaviourCheckResult {
  name: string;
  kind: BehaviourCheckKind;
  passed: boolean;
  /** What was measured over the probe respondents (see `description`). */
  measured: number;
  threshold: number;
  /** How `measured` must compare with `threshold` to pass. */
  rule: '<' | '<=' | '>';
  description: string;
}

/** P(depression) for each record, in order: a fitted pipeline's `predictProba`, say. */
export type Scorer = (records: readonly Respondent[]) => ArrayLike<number>;

/**
 * The respondents every check perturbs: synthetic rows from the shipped generator (drawn from
 * figures fitted on the real data, so typical respondents), the same ones on every machine.
 */
export function probeRespondents(rows = 400, seed = 11): Respondent[] {
  return [...generateSynthetic({ rows, seed })].map(({ depression: _label, ...record }) => record);
}

/** Largest score change the sensitive attribute may cause: today's models move by 0. */
const INVARIANCE_LIMIT = 0.02;
/** Obvious cases must land well clear of any sensible threshold. */
const HIGH_RISK_FLOOR = 0.9;
const LOW_RISK_CEILING = 0.1;

const HIGH_RISK: Partial<Respondent> = {
  suicidal_thoughts: 'Yes',
  academic_pressure: 5,
  financial_stress: 5,
  sleep_duration: 'Less than 5 hours',
  dietary_habits: 'Unhealthy',
  family_history: 'Yes',
  study_satisfaction: 1,
  work_study_hours: 12,
};
const LOW_RISK: Partial<Respondent> = {
  suicidal_thoughts: 'No',
  academic_pressure: 1,
  financial_stress: 1,
  sleep_duration: '7-8 hours',
  dietary_habits: 'Healthy',
  family_history: 'No',
  study_satisfaction: 5,
  work_study_hours: 2,
};

/** Factors whose every step up (1 → 5) must not lower anyone's score. */
const RISING_FACTORS = [
  ['academic_pressure', 'academic pressure'],
  ['financial_stress', 'financial stress'],
] as const;

/**
 * Runs every behaviour check against `score` and returns one result per check. A failed
 * check is a result, not an exception; it throws only for no probes or a scorer that answers
 * with the wrong number of scores. A score that is not a number fails its check.
 * - invariance: flipping gender alone moves no probe's score by 0.02 or more;
 * - direction: raising academic pressure or financial stress by one level never lowers a
 *   probe's score (the largest drop must be 0);
 * - minimum functionality: every probe made obviously high-risk scores above 0.9, every
 *   probe made obviously low-risk below 0.1.
 * @example runBehaviourChecks((rows) => pipeline.predictProba(rows)).every((c) => c.passed)
 */
export function runBehaviourChecks(
  score: Scorer,
  probes: readonly Respondent[] = probeRespondents(),
): BehaviourCheckResult[] {
  if (probes.length === 0) throw new Error('behaviour checks need at least one probe respondent');
  const scores = (records: readonly Respondent[]): number[] => {
    const result = Array.from(score(records));
    if (result.length !== records.length) {
      throw new Error(`the scorer answered ${result.length} scores for ${records.length} records`);
    }
    return result;
  };
  const changed = (change: Partial<Respondent>) =>
    scores(probes.map((probe) => ({ ...probe, ...change })));
  const results: BehaviourCheckResult[] = [];

  const before = scores(probes);
  const flipped = scores(
    probes.map((probe) => ({ ...probe, gender: probe.gender === 'Male' ? 'Female' : 'Male' })),
  );
  const shift = Math.max(0, ...before.map((p, i) => Math.abs(p - flipped[i])));
  results.push({
    name: 'gender does not move the score',
    kind: 'invariance',
    passed: shift < INVARIANCE_LIMIT,
    measured: shift,
    threshold: INVARIANCE_LIMIT,
    rule: '<',
    description: 'largest score change when only gender is flipped',
  });

  for (const [field, label] of RISING_FACTORS) {
    let drop = 0;
    let lower = changed({ [field]: 1 });
    for (let level = 2; level <= 5; level++) {
      const higher = changed({ [field]: level });
      lower.forEach((p, i) => (drop = Math.max(drop, p - higher[i])));
      lower = higher;
    }
    results.push({
      name: `more ${label} does not lower the score`,
      kind: 'direction',
      passed: drop <= 0,
      measured: drop,
      threshold: 0,
      rule: '<=',
      description: `largest score drop when ${label} rises by one level (1 → 5)`,
    });
  }

  const high = Math.min(...changed(HIGH_RISK));
  results.push({
    name: 'obvious high-risk respondents score high',
    kind: 'minimum-functionality',
    passed: high > HIGH_RISK_FLOOR,
    measured: high,
    threshold: HIGH_RISK_FLOOR,
    rule: '>',
    description: 'lowest score of probes given every risk factor',
  });
  const low = Math.max(...changed(LOW_RISK));
  results.push({
    name: 'obvious low-risk respondents score low',
    kind: 'minimum-functionality',
    passed: low < LOW_RISK_CEILING,
    measured: low,
    threshold: LOW_RISK_CEILING,
    rule: '<',
    description: 'highest score of probes given no risk factor',
  });
  return results;
}
