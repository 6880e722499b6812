import { ColumnTransformer } from './column-transformer.js';
import { DomainError } from '../errors.js';
import type { Estimator, EstimatorJson } from './estimator.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { Pipeline } from './pipeline.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';

/**
 * Revives any estimator document written by `toJSON()`, dispatching on its `kind`.
 * Composites call this for their children.
 */
export function estimatorFromJSON(json: EstimatorJson): Estimator {
  const kind = (json as Partial<EstimatorJson> | null)?.kind;
  switch (kind) {
    case 'SimpleImputer':
      return SimpleImputer.fromJSON(json);
    case 'StandardScaler':
      return StandardScaler.fromJSON(json);
    case 'OrdinalEncoder':
      return OrdinalEncoder.fromJSON(json);
    case 'OneHotEncoder':
      return OneHotEncoder.fromJSON(json);
    case 'ColumnTransformer':
      return ColumnTransformer.fromJSON(json);
    case 'Pipeline':
      return Pipeline.fromJSON(json);
    case 'LogisticRegression':
      return LogisticRegression.fromJSON(json);
    case 'GradientBoostedTrees':
      return GradientBoostedTrees.fromJSON(json);
    default:
      throw DomainError.invalid(`unknown estimator kind ${JSON.stringify(kind)}`);
  }
}
