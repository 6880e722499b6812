import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as datasets from './0002-datasets.js';
import * as tracking from './0003-tracking.js';
import * as serving from './0004-serving.js';
import * as tuning from './0005-tuning.js';
import * as survey from './0006-survey.js';
import * as lighterPredictionLog from './0007-lighter-prediction-log.js';
import * as runOwnership from './0008-run-ownership.js';
import * as access from './0009-access.js';
import * as surveyPredictionAnonymity from './0010-survey-prediction-anonymity.js';
import * as missingAnswers from './0011-missing-answers.js';
import * as pipelines from './0012-pipelines.js';
import * as driftReports from './0013-drift-reports.js';

/**
 * All migrations in order. Names sort in the order they must run; a released migration is
 * never edited, only followed by a new one.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-datasets': datasets,
  '0003-tracking': tracking,
  '0004-serving': serving,
  '0005-tuning': tuning,
  '0006-survey': survey,
  '0007-lighter-prediction-log': lighterPredictionLog,
  '0008-run-ownership': runOwnership,
  '0009-access': access,
  '0010-survey-prediction-anonymity': surveyPredictionAnonymity,
  '0011-missing-answers': missingAnswers,
  '0012-pipelines': pipelines,
  '0013-drift-reports': driftReports,
};
