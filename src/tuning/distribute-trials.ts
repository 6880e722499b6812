import { setTimeout as sleep } from 'node:timers/promises';
import type { JobId, JobInfo } from '../platform/queue/job-queue.js';
import type { Study, StudyRepository } from './study-repository.js';
import type { TuneTrialJob } from './tune-trial-job.js';

/** What handing trials to workers needs of a job queue. */
export interface TrialQueue {
  enqueue(payload: TuneTrialJob): Promise<JobId>;
  getJob(id: JobId): Promise<JobInfo | undefined>;
}

export interface DistributeOptions {
  /** The study's budget: complete plus pruned trials to reach. */
  target: number;
  /** Trials still to start now (the budget minus what is done or running). */
  remaining: number;
  onProgress?: (done: number, target: number) => void;
  /** How often the study is looked at (default 1 s). */
  pollMs?: number;
}

/**
 * `sdp tune --distributed`: one `tune-trial` job per missing trial for the queue's workers,
 * then waits until the study's budget is met. Trials that fail do not count, so when every
 * job has ended short of the budget, more are enqueued — up to three jobs per budgeted trial,
 * so a study whose trials always fail cannot loop forever.
 */
export async function distributeTrials(
  queue: TrialQueue,
  studies: StudyRepository,
  study: Study,
  options: DistributeOptions,
): Promise<void> {
  const { target } = options;
  const jobs: JobId[] = [];
  const enqueue = async (count: number) => {
    for (let i = 0; i < count; i++)
      jobs.push(await queue.enqueue({ type: 'tune-trial', study: study.name }));
  };
  await enqueue(options.remaining);
  for (;;) {
    const counts = await studies.counts(study.id);
    const done = counts.complete + counts.pruned;
    options.onProgress?.(done, target);
    if (done >= target) return;
    const states = await Promise.all(jobs.map((id) => queue.getJob(id)));
    const open = states.filter((job) => job && job.state !== 'completed' && job.state !== 'failed');
    if (open.length === 0) {
      if (jobs.length >= 3 * target) return;
      await enqueue(Math.max(1, target - done - counts.running));
    }
    await sleep(options.pollMs ?? 1000);
  }
}
