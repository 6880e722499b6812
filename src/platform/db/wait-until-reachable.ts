import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, errorMessage } from '../../errors.js';
import type { DatabaseHandle } from './database.js';

/** First and largest pause between two tries. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 5000;

/**
 * Waits until the database answers, trying again with exponential backoff (250 ms doubling to
 * 5 s), for at most `timeoutMs`: a service started together with its database (compose,
 * Kubernetes) need not crash-loop until PostgreSQL is up. Each failed try is reported through
 * `onRetry`; after the deadline an `unavailable` error says what did not answer.
 */
export async function waitUntilReachable(
  database: Pick<DatabaseHandle, 'ping' | 'kind' | 'location'>,
  options: {
    timeoutMs: number;
    onRetry?: (info: { error: unknown; waitedMs: number; nextTryInMs: number }) => void;
  },
): Promise<void> {
  const started = Date.now();
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      await database.ping();
      return;
    } catch (error) {
      const waitedMs = Date.now() - started;
      const left = options.timeoutMs - waitedMs;
      if (left <= 0) {
        throw DomainError.unavailable(
          `The database ${database.location} did not answer within ${options.timeoutMs} ms ` +
            `(last error: ${errorMessage((error as { cause?: unknown }).cause ?? error)}); ` +
            'start it, check database.url, or raise database.startupTimeoutMs.',
          { cause: error },
        );
      }
      const nextTryInMs = Math.min(pause, left);
      options.onRetry?.({ error, waitedMs, nextTryInMs });
      await sleep(nextTryInMs);
    }
  }
}
