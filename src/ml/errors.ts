/** Bad input to an estimator: wrong shape, NaN where not allowed, a single class, and so on. */
export class EstimatorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EstimatorInputError';
  }
}

/** An estimator was asked to predict or transform before `fit`. */
export class NotFittedError extends Error {
  constructor(kind: string) {
    super(`${kind} is not fitted yet: call fit() first`);
    this.name = 'NotFittedError';
  }
}
