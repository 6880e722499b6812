/**
 * Delay before the next try after `attemptsMade` failed tries: `backoffMs × 2^(attemptsMade−1)`,
 * the same formula as BullMQ's `exponential` backoff, so both backends retry on one schedule.
 */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * backoffMs);
}
