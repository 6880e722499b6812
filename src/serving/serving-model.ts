import type { Respondent } from '../data/record.js';
import { generateSynthetic } from '../data/synth.js';
import { isDomainError } from '../errors.js';
import { column } from '../ml/matrix.js';
import type { RegisteredModel } from '../training/model-loader.js';
import { compileScorer, type RecordScorer, type RecordScore } from './compiled-scorer.js';

/** A loaded, ready-to-score model version. */
export interface ServingModel {
  model: string;
  version: number;
  threshold: number;
  scorer: RecordScorer;
  /** The generic fitted pipeline, for batch re-scoring in the rollout analysis. */
  loaded: RegisteredModel;
}

/** Probability and contributions agree with the pipeline to this (in practice exactly). */
const SELF_CHECK_TOLERANCE = 1e-12;

/**
 * Wraps a loaded version for serving: the pipeline's own single-record path (compiled by its
 * estimators) when it reproduces the generic pipeline on probe records (ordinary, unseen
 * categories, missing values), else the generic pipeline itself. The check costs 3–20 ms
 * once per load; it guards against a stored pipeline whose single-record path disagrees
 * with its batch path, which the conformance suite cannot rule out for every artifact ever
 * stored. `onWarning` hears why the slower path was chosen.
 */
export function createServingModel(
  loaded: RegisteredModel,
  onWarning: (message: string) => void = () => {},
): ServingModel {
  const generic = pipelineScorer(loaded);
  let scorer: RecordScorer = generic;
  const compiled = compileOrExplain(loaded);
  if (typeof compiled === 'string') {
    onWarning(
      `${loaded.version.ref}: no single-record path (${compiled}); scoring through the pipeline`,
    );
  } else {
    const mismatch = firstMismatch(compiled, generic, probeRecords());
    if (mismatch)
      onWarning(
        `${loaded.version.ref}: single-record path disagrees with the pipeline (${mismatch}); scoring through the pipeline`,
      );
    else scorer = compiled;
  }
  return {
    model: loaded.version.model,
    version: loaded.version.version,
    threshold: loaded.artifact.threshold,
    scorer,
    loaded,
  };
}

/** The compiled scorer, or why the pipeline refused to compile one for respondent records. */
function compileOrExplain({ pipeline }: RegisteredModel): RecordScorer | string {
  try {
    return compileScorer(pipeline);
  } catch (error) {
    if (isDomainError(error, 'invalid')) return error.message;
    throw error;
  }
}

/** The generic path: the fitted pipeline on a one-record batch. */
function pipelineScorer({ pipeline }: RegisteredModel): RecordScorer {
  const [first] = probeRecords();
  const features = [...pipeline.contributions([first]).values.columnNames];
  return {
    kind: 'pipeline',
    features,
    score(record): RecordScore {
      const probability = pipeline.predictProba([record])[0];
      const { base, values } = pipeline.contributions([record]);
      const contributions = new Float64Array(features.length);
      for (let j = 0; j < features.length; j++) contributions[j] = column(values, j)[0];
      return { probability, base, contributions };
    },
  };
}

function firstMismatch(a: RecordScorer, b: RecordScorer, records: Respondent[]): string | null {
  if (a.features.join() !== b.features.join()) return 'different features';
  for (const [i, record] of records.entries()) {
    const x = a.score(record);
    const px = x.probability;
    const bx = x.base;
    const cx = Float64Array.from(x.contributions);
    const y = b.score(record);
    if (Math.abs(px - y.probability) > SELF_CHECK_TOLERANCE) return `probe ${i}: probability`;
    if (Math.abs(bx - y.base) > SELF_CHECK_TOLERANCE) return `probe ${i}: base`;
    for (let j = 0; j < cx.length; j++)
      if (Math.abs(cx[j] - y.contributions[j]) > SELF_CHECK_TOLERANCE)
        return `probe ${i}: contribution of ${a.features[j]}`;
  }
  return null;
}

let probes: Respondent[] | null = null;

/** Synthetic respondents plus the awkward cases: unseen categories and missing values. */
function probeRecords(): Respondent[] {
  if (probes) return probes;
  const records: Respondent[] = [];
  for (const { depression: _label, ...record } of generateSynthetic({ rows: 24, seed: 11 }))
    records.push(record);
  records.push(
    { ...records[0], city: 'Atlantis', profession: 'Astronaut', degree: 'PhD of Nothing' },
    { ...records[1], financial_stress: null, sleep_duration: 'Others' },
  );
  probes = records;
  return records;
}
