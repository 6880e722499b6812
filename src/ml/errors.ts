import { DomainError } from '../errors.js';

/**
 * An estimator asked to predict or transform before `fit`: an `invalid` error (code
 * `not_fitted`). Every other bad input to an estimator (wrong shape, NaN where not allowed, a
 * single class) is a plain `DomainError.invalid`.
 */
export function notFitted(kind: string): DomainError {
  return DomainError.invalid(`${kind} is not fitted yet: call fit() first`, { code: 'not_fitted' });
}
