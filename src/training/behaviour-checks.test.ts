import { describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { probeRespondents, runBehaviourChecks, type Scorer } from './behaviour-checks.js';

/** A transparent scorer: risk factors push the log-odds up, protective ones down. */
function logOdds(record: Respondent): number {
  return (
    -4 +
    1.2 * record.academic_pressure +
    0.8 * (record.financial_stress ?? 3) +
    (record.suicidal_thoughts === 'Yes' ? 2.5 : -1) +
    (record.sleep_duration === 'Less than 5 hours' ? 0.8 : 0) +
    (record.dietary_habits === 'Unhealthy' ? 0.8 : 0) -
    0.6 * record.study_satisfaction
  );
}
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const sound: Scorer = (records) => records.map((record) => sigmoid(logOdds(record)));

const byName = (score: Scorer) =>
  Object.fromEntries(runBehaviourChecks(score).map((check) => [check.name, check]));

describe('runBehaviourChecks', () => {
  it('passes a sound scorer on every check, with what it measured', () => {
    const checks = runBehaviourChecks(sound);
    expect(checks.map((check) => [check.kind, check.name, check.passed])).toEqual([
      ['invariance', 'gender does not move the score', true],
      ['direction', 'more academic pressure does not lower the score', true],
      ['direction', 'more financial stress does not lower the score', true],
      ['minimum-functionality', 'obvious high-risk respondents score high', true],
      ['minimum-functionality', 'obvious low-risk respondents score low', true],
    ]);
    expect(checks[0]).toMatchObject({ measured: 0, threshold: 0.02, rule: '<' });
    expect(checks[3].measured).toBeGreaterThan(0.9);
  });

  it('fails invariance when gender moves the score, measuring by how much', () => {
    const biased: Scorer = (records) =>
      records.map((r) => sigmoid(logOdds(r) + (r.gender === 'Male' ? 0.5 : 0)));
    const check = byName(biased)['gender does not move the score'];
    expect(check.passed).toBe(false);
    expect(check.measured).toBeGreaterThan(0.02);
    expect(check.measured).toBeLessThan(0.13); // 0.5 in log-odds moves p by at most 0.125
  });

  it('fails direction when one more level of a factor lowers some score', () => {
    // Financial stress 4 → 5 lowers the score: a non-monotone model.
    const kinked: Scorer = (records) =>
      records.map((r) => sigmoid(logOdds(r) - (r.financial_stress === 5 ? 2 : 0)));
    const checks = byName(kinked);
    expect(checks['more financial stress does not lower the score']).toMatchObject({
      passed: false,
      threshold: 0,
      rule: '<=',
    });
    expect(checks['more financial stress does not lower the score'].measured).toBeGreaterThan(0);
    expect(checks['more academic pressure does not lower the score'].passed).toBe(true);
  });

  it('fails minimum functionality for a scorer that cannot tell anyone apart', () => {
    const checks = byName((records) => records.map(() => 0.5));
    expect(checks['obvious high-risk respondents score high']).toMatchObject({
      passed: false,
      measured: 0.5,
    });
    expect(checks['obvious low-risk respondents score low'].passed).toBe(false);
    expect(checks['gender does not move the score'].passed).toBe(true);
  });

  it('fails the checks a scorer answers with NaN, and refuses a wrong number of scores', () => {
    const checks = runBehaviourChecks((records) => records.map(() => Number.NaN));
    expect(checks.filter((check) => check.passed)).toEqual([]);
    expect(() => runBehaviourChecks((records) => records.slice(1).map(() => 0.5))).toThrow(
      /399 scores for 400 records/,
    );
    expect(() => runBehaviourChecks(sound, [])).toThrow(/at least one probe/);
  });

  it('probes the same 400 unlabelled respondents everywhere', () => {
    const probes = probeRespondents();
    expect(probes).toHaveLength(400);
    expect(probes).toEqual(probeRespondents());
    expect(probes.some((probe) => 'depression' in probe)).toBe(false);
    expect(new Set(probes.map((probe) => probe.gender))).toEqual(new Set(['Male', 'Female']));
  });
});
