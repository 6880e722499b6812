import type { Respondent } from '../data/record.js';
import type { PredictionService } from './prediction-service.js';

/** What the survey reports after storing a response (see the survey's OnResponseStored). */
export interface StoredSurveyResponse {
  submissionId: string;
  record: Respondent;
  phq9Label: 0 | 1;
}

/**
 * The survey's scoring hook: scores each stored response under its submission id (sticky
 * routing, logged like any prediction) and joins its PHQ-9 label as ground truth. While no
 * champion exists yet the label is still stored, so it joins a later prediction of that key.
 * Wired in src/app/http-app.ts.
 */
export function surveyScoringHook(
  service: PredictionService,
): (event: StoredSurveyResponse) => Promise<void> {
  return async ({ submissionId, record, phq9Label }) => {
    if (service.ready) service.predict(record, submissionId);
    await service.recordOutcome(submissionId, phq9Label);
  };
}
