/**
 * The prediction service (our BentoML + Argo Rollouts): scoring by alias, canary and shadow
 * routing, the asynchronous prediction log, ground-truth joins and automated rollouts.
 */
export {
  PredictionService,
  type FeatureContribution,
  type PredictionResult,
  type PredictOptions,
  type ServingStatus,
} from './prediction-service.js';
export {
  RolloutService,
  type StartRolloutInput,
  type RolloutStatusReport,
} from './rollout-service.js';
export type { Rollout, RolloutAnalysis } from './rollout-repository.js';
export { createServing, createRolloutService, type ServingParts } from './create-serving.js';
export { servingConfigSchema, type ServingConfig } from './config-schema.js';
export { ServingError } from './errors.js';
export { servingRoutes } from './routes.js';
export { surveyScoringHook, type StoredSurveyResponse } from './survey-hook.js';
