import type { Respondent } from '../data/record.js';
import type { PredictionService } from './prediction-service.js';

/**
 * Survey responses are scored under `survey:<submission id>`. No HTTP client may use this
 * namespace (for predictions or feedback): its labels come only from the survey's own PHQ-9
 * score, joined here on the server, so they can be trusted by the rollout analysis.
 */
export const SURVEY_KEY_PREFIX = 'survey:';

export const isSurveyKey = (requestKey: string): boolean =>
  requestKey.startsWith(SURVEY_KEY_PREFIX);

const surveyKey = (submissionId: string) => `${SURVEY_KEY_PREFIX}${submissionId}`;

/** What the survey reports after storing a response (see the survey's OnResponseStored). */
export interface StoredSurveyResponse {
  submissionId: string;
  record: Respondent;
  phq9Label: 0 | 1;
}

/**
 * The survey's hooks into serving. `onStored` scores each stored response (sticky routing,
 * logged like any prediction, with only its UTC day as time) and joins its PHQ-9 label as
 * ground truth; while no champion exists yet the label is still stored, so it joins a later
 * prediction of that key. `onDeleted` forgets both when the respondent deletes the response.
 * Wired in src/app/runtime.ts.
 */
export function surveyServingHooks(service: PredictionService) {
  return {
    onStored: async ({ submissionId, record, phq9Label }: StoredSurveyResponse): Promise<void> => {
      const key = surveyKey(submissionId);
      if (service.ready) service.predict(record, key);
      await service.recordOutcome(key, phq9Label);
    },
    onDeleted: (submissionId: string): Promise<void> => service.forget(surveyKey(submissionId)),
  };
}
