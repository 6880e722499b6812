import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino';

/**
 * `request.log` without a pino child logger per request. A child (with the ECS bindings
 * formatter) cost about 8 µs of every POST /v1/predict, a tenth of the server's time, for a
 * logger most requests use once or never. This one writes through the process logger and
 * adds the request's bindings (its id) to each line instead; `child()` still gives a real
 * child for code that wants one. Route-level log levels are not supported (sdp sets none).
 */
export class RequestLogger implements FastifyBaseLogger {
  constructor(
    private readonly logger: Logger,
    private readonly bindings: Bindings,
  ) {}

  get level(): LevelWithSilentOrString {
    return this.logger.level;
  }
  set level(_level: LevelWithSilentOrString) {
    throw new Error('set the level on the process logger (log.level), not on a request');
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child({ ...this.bindings, ...bindings }, options);
  }

  /** pino's call forms: (object, message, …), (error, message, …) or (message, …). */
  private write(level: Level, [first, ...rest]: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const log = this.logger[level] as (object: object, ...rest: unknown[]) => void;
    if (first instanceof Error) log.call(this.logger, { ...this.bindings, err: first }, ...rest);
    else if (typeof first === 'object' && first !== null)
      log.call(this.logger, { ...this.bindings, ...first }, ...rest);
    else if (first === undefined) log.call(this.logger, this.bindings);
    else log.call(this.logger, this.bindings, first, ...rest);
  }
}
