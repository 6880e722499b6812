/**
 * Behaviour of trained models (see src/training/behaviour-checks.ts, which `sdp test model`
 * runs on registered versions too): trained as configured, on $SDP_DATASET or else synthetic
 * rows, so this tier runs on every machine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  runBehaviourChecks,
  type BehaviourCheckKind,
  type BehaviourCheckResult,
} from '../../src/training/behaviour-checks.js';
import { trainAsConfigured, trainingRecords } from './trained-model.js';

const training = await trainingRecords();

function expectPassed(checks: BehaviourCheckResult[], kind: BehaviourCheckKind): void {
  const ofKind = checks.filter((check) => check.kind === kind);
  expect(ofKind.length).toBeGreaterThan(0);
  expect(ofKind.filter((check) => !check.passed)).toEqual([]);
}

describe(`the default model, logistic regression, trained on ${training.source}`, () => {
  let checks: BehaviourCheckResult[];
  beforeAll(() => {
    const pipeline = trainAsConfigured('logistic', training.records);
    checks = runBehaviourChecks((rows) => pipeline.predictProba(rows));
  });

  it('runs every check', () => {
    expect(checks.map((check) => check.kind).sort()).toEqual([
      'direction',
      'direction',
      'invariance',
      'minimum-functionality',
      'minimum-functionality',
    ]);
  });
  it('invariance: changing gender alone moves no score by 0.02', () => {
    expectPassed(checks, 'invariance');
  });
  it('direction: more academic pressure or financial stress never lowers a score', () => {
    expectPassed(checks, 'direction');
  });
  it('minimum functionality: obvious cases land on the obvious side (> 0.9, < 0.1)', () => {
    expectPassed(checks, 'minimum-functionality');
  });
});

describe(`gradient-boosted trees, trained on ${training.source}`, () => {
  let checks: BehaviourCheckResult[];
  beforeAll(() => {
    const pipeline = trainAsConfigured('gbdt', training.records);
    checks = runBehaviourChecks((rows) => pipeline.predictProba(rows));
  });

  it('invariance: changing gender alone moves no score by 0.02', () => {
    expectPassed(checks, 'invariance');
  });
  it('minimum functionality: obvious cases land on the obvious side (> 0.9, < 0.1)', () => {
    expectPassed(checks, 'minimum-functionality');
  });
  // Direction is not asserted here: trees without monotonic constraints lower a few probes'
  // scores by up to ~0.02 (real data) when financial stress rises a level, and
  // `sdp test model` reports that for gbdt versions. The check itself is tested in
  // src/training/behaviour-checks.test.ts.
});
