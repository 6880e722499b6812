/**
 * A fixed-window request counter per client, in memory only: the client key (an address)
 * is never stored or logged, and the whole table is dropped at the end of every window, so
 * nothing about a client outlives `windowMs`. Per process: with several API processes each
 * counts on its own, which is enough to blunt floods without keeping anything.
 */
export class RateLimiter {
  private counts = new Map<string, number>();
  private windowStart: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** Counts one request; false when the client is over its limit in this window. */
  take(client: string): boolean {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.counts = new Map();
      this.windowStart = now;
    }
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    return count <= this.limit;
  }

  /** Seconds until the current window ends, for the Retry-After header. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - this.now()) / 1000));
  }
}
