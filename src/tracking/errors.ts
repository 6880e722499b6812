/**
 * What went wrong, in the three ways a caller can act on: the thing is missing, the request
 * is malformed, or it clashes with the current state. Routes map these to 404 / 400 / 409,
 * the CLI prints the message.
 */
export type TrackingErrorKind = 'not_found' | 'invalid' | 'conflict';

/** The one error type of tracking and the registry; its message names what does exist. */
export class TrackingError extends Error {
  override readonly name = 'TrackingError';

  constructor(
    readonly kind: TrackingErrorKind,
    message: string,
  ) {
    super(message);
  }

  static notFound(message: string): TrackingError {
    return new TrackingError('not_found', message);
  }
  static invalid(message: string): TrackingError {
    return new TrackingError('invalid', message);
  }
  static conflict(message: string): TrackingError {
    return new TrackingError('conflict', message);
  }
}
