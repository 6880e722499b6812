import { PipelineRepository } from '../pipelines/pipeline-repository.js';
import { PipelineService, taskQueueOf } from '../pipelines/pipeline-service.js';
import { retrainPipeline } from '../pipelines/retrain/retrain-pipeline.js';
import { PipelineScheduler } from '../pipelines/scheduler.js';
import { checkSchedule } from '../pipelines/schedule.js';
import { VERSION } from '../version.js';
import { loadConfig, recordableConfig } from './config.js';
import type { AppQueue, Runtime } from './runtime.js';

export interface Pipelines {
  service: PipelineService;
  /** Started by long-lived processes (`sdp start|serve|worker`); tests tick it by hand. */
  scheduler: PipelineScheduler;
}

/** Every pipeline sdp has, over the runtime's stages, run as jobs on its queue. */
export function createPipelines(
  runtime: Omit<Runtime, 'close' | 'readinessChecks'>,
  queue: AppQueue,
  clock: () => Date,
): Pipelines {
  const { config } = runtime;
  const settings = config.pipelines;
  const repository = new PipelineRepository(runtime.database.db);
  const tasks = taskQueueOf(queue);

  const retrain = retrainPipeline({
    ...runtime,
    settings: settings.retrain,
    model: config.train.registeredModel,
    store: { settings: config.data, config: recordableConfig(config) },
    codeVersion: `sdp@${VERSION}`,
    candidateConfig: (overrides) => {
      const { config: candidate, groups } = loadConfig({ overrides: [...overrides] });
      // As for a train job: the candidate chooses what and how to train, nothing else.
      const trainConfig = {
        model: candidate.model,
        train: { ...candidate.train, registeredModel: config.train.registeredModel },
      };
      return {
        config: trainConfig,
        groups,
        recorded: recordableConfig({ ...config, ...trainConfig }),
      };
    },
    earlierGateOutputs: () => repository.taskOutputs('retrain', 'gate'),
  });
  const schedules = { retrain: settings.retrain.schedule };
  for (const [name, schedule] of Object.entries(schedules))
    if (schedule.cron)
      checkSchedule(
        { cron: schedule.cron, timezone: schedule.timezone },
        `pipelines.${name}.schedule`,
      );
  const service = new PipelineService(
    repository,
    tasks,
    [retrain],
    clock,
    runtime.log,
    runtime.audit,
    settings.heartbeatMs,
  );
  const scheduler = new PipelineScheduler(service, repository, schedules, {
    clock,
    leaseMs: settings.scheduler.leaseMs,
    log: runtime.log,
  });
  return { service, scheduler };
}
