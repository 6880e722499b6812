import { jobNotFound, jobWaitTimeout } from './errors.js';
import type { JobId, JobInfo } from './job-queue.js';

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

/**
 * Polls `getJob` until the job is completed or failed. Polling (rather than a subscription)
 * keeps waiters cheap and identical on both backends: no extra blocking Redis connection per
 * waiter, no lost-event race. `finished` lets a backend that knows a job just ended in this
 * process cut the wait short.
 */
export async function waitUntilFinished(
  getJob: (id: JobId) => Promise<JobInfo | undefined>,
  id: JobId,
  timeoutMs: number,
  finished?: (id: JobId, wake: () => void) => () => void,
): Promise<JobInfo> {
  const deadline = Date.now() + timeoutMs;
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    const job = await getJob(id);
    if (!job) throw jobNotFound(id);
    if (job.state === 'completed' || job.state === 'failed') return job;
    const left = deadline - Date.now();
    if (left <= 0) throw jobWaitTimeout(id, timeoutMs);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(pollMs, left));
      const unsubscribe = finished?.(id, done);
      function done() {
        clearTimeout(timer);
        unsubscribe?.();
        resolve();
      }
    });
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
  }
}

/** Resolves with 'timeout' after `ms`, for racing against work that may not finish. */
export function timeout(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
