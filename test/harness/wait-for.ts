import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /**
   * The overall limit. Generous on purpose: a condition that holds returns at once, so the
   * limit only decides how long a broken test takes to fail, never whether a slow machine
   * passes.
   */
  timeoutMs?: number;
  /** Pause between checks. */
  intervalMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
}

/**
 * Resolves as soon as `condition` returns true (it may be async); rejects after `timeoutMs`.
 * Tests wait for what they need with this instead of sleeping a fixed time.
 * @example await waitFor(() => statuses.length >= 20, { what: '20 answers' });
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 20_000, intervalMs = 20, what = 'the condition' }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what} in vain`);
    await sleep(intervalMs);
  }
}
