import { describe, expect, it } from 'vitest';
import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { computeDrift as compute, sampleOf, type DriftSettings } from './drift-report.js';

const settings: DriftSettings = {
  alpha: 0.05,
  distanceThreshold: 0.1,
  largeSample: 1000,
  datasetDriftShare: 0.5,
  psiThreshold: 0.2,
  tests: {},
};
const records = (rows: number, seed: number): Respondent[] =>
  [...generateSynthetic({ rows, seed })].map(({ depression: _, ...record }) => record);
/** Academic pressure one point higher, and a city the reference never saw on a tenth of the rows. */
const drift = (current: Respondent[]): Respondent[] =>
  current.map((r, i) => ({
    ...r,
    academic_pressure: Math.min(5, r.academic_pressure + 1),
    city: i % 10 === 0 ? 'Atlantis' : r.city,
  }));

const reference = records(5000, 1);
/** Drifted windows, and clean ones (more: a 5% rate needs more than 20 to be seen). */
const RUNS = 20;
const computeDrift = (
  reference: Respondent[],
  current: Respondent[],
  settings: DriftSettings,
  scores?: Parameters<typeof compute>[3],
) => compute(sampleOf(reference), sampleOf(current), settings, scores);
const CLEAN_RUNS = 100;

describe('the drift report over 20 seeded windows', () => {
  for (const size of [500, 3000]) {
    it(`names the shifted features in 20 of 20 drifted windows, and false alarms in at most α of 100 clean ones (${size} rows: ${size > settings.largeSample ? 'distances' : 'tests'})`, () => {
      // A false alarm: a window naming a feature that was not shifted.
      const alarms: string[] = [];
      let driftCaught = 0;
      for (let run = 0; run < CLEAN_RUNS; run++) {
        const current = records(size, 100 + run);
        const clean = computeDrift(reference, current, settings);
        if (clean.driftedFeatures.length > 0)
          alarms.push(`${run}: ${clean.driftedFeatures.join(',')}`);
        if (run >= RUNS) continue;
        const shifted = computeDrift(reference, drift(current), settings);
        const named = shifted.driftedFeatures;
        if (named.includes('academic_pressure') && named.includes('city')) driftCaught++;
        expect(shifted.datasetDrift).toBe(false); // 2 of 16 features, under the 50% share
      }
      expect(driftCaught).toBe(RUNS);
      // Holm keeps the chance of any false alarm in a window at most α.
      expect(alarms.length, alarms.join('; ')).toBeLessThanOrEqual(settings.alpha * CLEAN_RUNS);
    });
  }

  it('flags dataset drift when most features move, and the score by PSI', () => {
    const current = records(800, 7).map((r) => ({
      ...r,
      age: r.age + 15,
      cgpa: (r.cgpa ?? 7) - 2,
    }));
    const report = computeDrift(
      reference,
      current,
      { ...settings, datasetDriftShare: 0.1 },
      {
        reference: Float64Array.from({ length: 5000 }, (_, i) => (i % 100) / 100),
        current: Float64Array.from({ length: 800 }, (_, i) => 0.5 + (i % 50) / 100),
        threshold: 0.5,
      },
    );
    expect(report.driftedFeatures).toEqual(expect.arrayContaining(['age', 'cgpa']));
    expect(report.datasetDrift).toBe(true);
    expect(report.score).toMatchObject({
      drifted: true,
      positiveRate: { reference: 0.5, current: 1 },
    });
    expect(report.features.find((f) => f.feature === 'age')).toMatchObject({
      kind: 'numeric',
      test: 'ks',
    });
    expect(report.features.find((f) => f.feature === 'city')).toMatchObject({
      kind: 'categorical',
      test: 'chi2',
    });
  });
});
