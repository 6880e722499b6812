import type { Respondent } from '../data/record.js';
import type { Classifier, RowScore } from '../ml/estimator.js';
import { RESPONDENT_COLUMNS, respondentRowReader } from '../ml/row.js';

/**
 * What scoring one record gives: P(class 1) and per-feature log-odds contributions, with
 * `base + Σ contributions` equal to the model's log-odds. `contributions` is reused: copy
 * what you keep.
 */
export type RecordScore = RowScore;

/** Scores one record at a time. */
export interface RecordScorer {
  readonly kind: 'compiled' | 'pipeline';
  /** The original features contributions are reported for. */
  readonly features: readonly string[];
  score(record: Respondent): RecordScore;
}

/**
 * The fitted pipeline's own single-record path on respondent records: each estimator
 * compiles its part (see `RowTransform` in src/ml/estimator.ts), so nothing here knows how
 * any of them is fitted. Results are identical to the pipeline's batch path.
 * @throws an `invalid` error when the pipeline cannot take respondent records (it was fitted
 *   on other columns); also when it is not fitted
 */
export function compileScorer(pipeline: Classifier): RecordScorer {
  const scorer = pipeline.compileRowScorer(RESPONDENT_COLUMNS);
  const read = respondentRowReader();
  return {
    kind: 'compiled',
    features: scorer.features,
    score: (record) => scorer.score(read(record)),
  };
}
