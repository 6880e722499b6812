/** A serving or rollout request that cannot be met, with a message for the person asking. */
export class ServingError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'not-found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ServingError';
  }

  static unavailable(message: string) {
    return new ServingError('unavailable', message);
  }
  static notFound(message: string) {
    return new ServingError('not-found', message);
  }
  static conflict(message: string) {
    return new ServingError('conflict', message);
  }
  static invalid(message: string) {
    return new ServingError('invalid', message);
  }
}
