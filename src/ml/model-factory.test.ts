import { describe, expect, it } from 'vitest';
import type { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { rocAuc } from './metrics.js';
import { buildPipeline } from './model-factory.js';
import { Pipeline } from './pipeline.js';
import { labelsOf, syntheticRespondents } from './testing/synthetic.js';

const records = syntheticRespondents(1_500, 21);
const labels = labelsOf(records);

describe('buildPipeline', () => {
  for (const model of ['logistic', 'gbdt'] as const) {
    describe(model, () => {
      it('goes from respondent records to probabilities that rank well', () => {
        const pipeline = buildPipeline({ model }).fit(records, labels);
        expect(rocAuc(labels, pipeline.predictProba(records))).toBeGreaterThan(0.75);
      });

      it('gives a byte-identical document for the same data, spec and seed', () => {
        const a = JSON.stringify(
          buildPipeline({ model, params: {} }).fit(records, labels).toJSON(),
        );
        const b = JSON.stringify(
          buildPipeline({ model, params: {} }).fit(records, labels).toJSON(),
        );
        expect(a).toBe(b);
      });

      it('round-trips through JSON to identical predictions and contributions', () => {
        const pipeline = buildPipeline({ model }).fit(records, labels);
        const revived = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
        expect([...revived.predictProba(records)]).toEqual([...pipeline.predictProba(records)]);
        expect([...revived.contributions(records.slice(0, 5)).values.data]).toEqual([
          ...pipeline.contributions(records.slice(0, 5)).values.data,
        ]);
      });

      it('reports contributions per original feature', () => {
        const pipeline = buildPipeline({ model }).fit(records, labels);
        const { values } = pipeline.contributions(records.slice(0, 3));
        expect([...values.columnNames].sort()).toEqual(
          [
            'academic_pressure',
            'age',
            'cgpa',
            'city',
            'degree',
            'dietary_habits',
            'family_history',
            'financial_stress',
            'gender',
            'job_satisfaction',
            'profession',
            'sleep_duration',
            'study_satisfaction',
            'suicidal_thoughts',
            'work_pressure',
            'work_study_hours',
          ].sort(),
        );
      });

      it('scores a respondent with an unseen city and degree', () => {
        const pipeline = buildPipeline({ model }).fit(records, labels);
        const p = pipeline.predictProba([
          {
            ...records[0],
            city: 'Atlantis',
            degree: 'B.Wizardry',
            sleep_duration: 'Others',
            financial_stress: null,
          },
        ]);
        expect(p[0]).toBeGreaterThan(0);
        expect(p[0]).toBeLessThan(1);
      });
    });
  }

  it('groups the junk one-off cities into city=other', () => {
    const pipeline = buildPipeline({ model: 'logistic' }).fit(records, labels);
    const names = pipeline.step('model').toJSON().state as { columnNames: string[] };
    expect(names.columnNames).toContain('city=other');
    expect(names.columnNames.some((name) => name.startsWith('city=Junk'))).toBe(false);
  });

  it('routes model params and preprocessing paths', () => {
    const pipeline = buildPipeline({
      model: 'gbdt',
      params: { learningRate: 0.05 },
      preprocessing: { 'preprocess.categorical.minFrequency': 3 },
    });
    expect((pipeline.step('model') as GradientBoostedTrees).getParams().learningRate).toBe(0.05);
    expect(pipeline.getParams()['preprocess.categorical.minFrequency']).toBe(3);
    expect(pipeline.getParams()).not.toHaveProperty('preprocess.numeric.scale.withMean'); // trees need no scaling
  });

  it('rejects a bad spec with a clear message', () => {
    expect(() => buildPipeline({ model: 'forest' as never })).toThrow(/invalid model spec/);
    expect(() => buildPipeline({ model: 'logistic', params: { learningRate: 0.1 } })).toThrow(
      /no hyperparameter "learningRate"/,
    );
  });
});
