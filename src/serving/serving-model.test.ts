import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { DomainError } from '../errors.js';
import type { RowScorer } from '../ml/estimator.js';
import { buildPipeline } from '../ml/model-factory.js';
import type { ModelArtifact } from '../training/model-artifact.js';
import type { RegisteredModel } from '../training/model-loader.js';
import type { ModelVersion } from '../tracking/registry-repository.js';
import { createServingModel } from './serving-model.js';

const rows = [...generateSynthetic({ rows: 600, seed: 5 })];

/** A registered version around a freshly fitted pipeline (only what serving reads). */
function registered(): RegisteredModel {
  const pipeline = buildPipeline({ model: 'logistic', exclude: ['gender'] }).fit(
    rows,
    rows.map((row) => row.depression),
  );
  return {
    version: { model: 'm', version: 3, ref: 'm/3' } as ModelVersion,
    artifact: { threshold: 0.4 } as ModelArtifact,
    pipeline,
  };
}

function serve(loaded: RegisteredModel) {
  const warnings: string[] = [];
  const model = createServingModel(loaded, (message) => warnings.push(message));
  return { model, warnings };
}

describe('createServingModel', () => {
  it("scores through the pipeline's single-record path when it agrees with the pipeline", () => {
    const loaded = registered();
    const { model, warnings } = serve(loaded);
    expect(warnings).toEqual([]);
    expect(model).toMatchObject({ model: 'm', version: 3, threshold: 0.4 });
    expect(model.scorer.kind).toBe('compiled');
    const { depression: _label, ...record } = rows[0];
    expect(model.scorer.score(record).probability).toBe(loaded.pipeline.predictProba([record])[0]);
  });

  it('falls back to the pipeline, saying why, when the pipeline refuses to compile', () => {
    const loaded = registered();
    loaded.pipeline.compileRowScorer = () => {
      throw DomainError.invalid('SomeEstimator: no single-record path for this');
    };
    const { model, warnings } = serve(loaded);
    expect(model.scorer.kind).toBe('pipeline');
    expect(warnings).toEqual([
      'm/3: no single-record path (SomeEstimator: no single-record path for this); scoring through the pipeline',
    ]);
  });

  it('falls back to the pipeline when the single-record path disagrees on a probe', () => {
    const loaded = registered();
    const honest = loaded.pipeline.compileRowScorer.bind(loaded.pipeline);
    // Wrong only for a missing value: only a probe with one can tell.
    loaded.pipeline.compileRowScorer = (columns): RowScorer => {
      const scorer = honest(columns);
      const at = columns.find((column) => column.name === 'financial_stress')!.at;
      return {
        features: scorer.features,
        score(row) {
          const score = scorer.score(row);
          if (Number.isNaN(row[at])) score.probability += 1e-9;
          return score;
        },
      };
    };
    const { model, warnings } = serve(loaded);
    expect(model.scorer.kind).toBe('pipeline');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^m\/3: single-record path disagrees with the pipeline \(probe \d+: probability\); scoring through the pipeline$/,
    );
  });

  it('lets errors other than a refusal through', () => {
    const loaded = registered();
    loaded.pipeline.compileRowScorer = () => {
      throw new TypeError('a bug');
    };
    expect(() => serve(loaded)).toThrow(TypeError);
  });
});
