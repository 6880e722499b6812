import { z } from 'zod';
import { FEATURE_NAMES, type FeatureName } from '../data/record.js';
import type { Params } from './estimator.js';
import { buildPipeline, MODEL_FAMILIES } from './model-factory.js';

const hyperparameters = z.record(z.string(), z.unknown());

/** The `model` group (config/model/*.yaml): which estimator, its hyperparameters. */
export const modelSettingsSchema = z
  .strictObject({
    name: z.enum(MODEL_FAMILIES),
    /** Worker threads for cross-validation folds; 1 runs them in this thread. */
    parallelism: z.number().int().min(1).max(64),
    params: hyperparameters,
    /** Preprocessing hyperparameters by pipeline path, e.g. `preprocess.categorical.minFrequency`. */
    preprocessing: hyperparameters,
    /** Respondent factors the model must not use (see config/model/*.yaml). */
    exclude: z.array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]])),
  })
  .superRefine((spec, ctx) => {
    // Building the pipeline rejects unknown hyperparameter names with the list of known ones.
    try {
      buildPipeline({
        model: spec.name,
        params: spec.params as Params,
        preprocessing: spec.preprocessing as Params,
        exclude: spec.exclude,
      });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: (error as Error).message });
    }
  });
export type ModelSettings = z.infer<typeof modelSettingsSchema>;
