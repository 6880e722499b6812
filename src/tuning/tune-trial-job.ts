import { z } from 'zod';
import type { DatasetRepository } from '../data/dataset-repository.js';
import { DomainError } from '../errors.js';
import type { JobContext } from '../platform/queue/job-queue.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { runTrials } from './run-trials.js';
import type { TuneConfig } from './settings.js';
import { parseDefinition } from './study-definition.js';
import type { StudyRepository } from './study-repository.js';
import { loadStudyData, workerName } from './tune-study.js';

/** The `tune-trial` job (`sdp tune --distributed`): run one trial of the named study. */
export const tuneTrialJobSchema = z.object({
  type: z.literal('tune-trial'),
  study: z.string().min(1).max(100),
});
export type TuneTrialJob = z.infer<typeof tuneTrialJobSchema>;

/**
 * Runs one trial of a study on this queue worker, with the study's stored definition and this
 * worker's `tune` settings (parallelism, heartbeat). When the budget is already met it does
 * nothing; the process that enqueued the jobs refits and registers the best trial.
 */
export async function runTuneTrialJob(
  deps: {
    studies: StudyRepository;
    datasets: DatasetRepository;
    tracking: TrackingService;
    config: TuneConfig;
  },
  job: TuneTrialJob,
  ctx: Pick<JobContext, 'progress' | 'signal'>,
): Promise<{ study: string; trial: number | null; state: string }> {
  const repository = deps.studies;
  const study = await repository.findByName(job.study);
  if (!study) throw DomainError.notFound(`No study ${job.study}`);
  const definition = parseDefinition(study.definition);
  const data = await loadStudyData(deps.datasets, study, definition);
  let outcome: { trial: number | null; state: string } = {
    trial: null,
    state: 'none (budget met)',
  };
  await runTrials({
    repository,
    tracking: deps.tracking,
    study,
    definition,
    data,
    tune: { ...deps.config.tune, parallelism: 1 },
    experiment: deps.config.train.experiment,
    worker: workerName(),
    maxTrials: 1,
    signal: ctx.signal,
    onTrialEnd: (event) => {
      outcome = { trial: event.number, state: event.state };
      void ctx.progress({ trial: event.number, state: event.state });
    },
  });
  return { study: job.study, ...outcome };
}
