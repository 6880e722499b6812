import { setTimeout as sleep } from 'node:timers/promises';
import type { TuneConfig } from './settings.js';
import type { DatasetRepository } from '../data/dataset-repository.js';
import { isDomainError } from '../errors.js';
import type { RunId } from '../tracking/ids.js';
import type { RegistryService } from '../tracking/registry-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { trainModel } from '../training/train-model.js';
import { bestTrial, countTrials } from './best-trial.js';
import { directionOf, type StudyDefinition } from './study-definition.js';
import type { Study, StudyRepository } from './study-repository.js';

export interface FinalizeDependencies {
  datasets: DatasetRepository;
  tracking: TrackingService;
  registry: RegistryService;
  repository: StudyRepository;
}

export interface FinalizeInput {
  study: Study;
  definition: StudyDefinition;
  /** This process's configuration: infrastructure, registered model name, threshold rule. */
  config: TuneConfig;
  recordedConfig?: unknown;
  worker: string;
  codeVersion: string;
  groups?: Record<string, string>;
}

/**
 * Finishes a study exactly once however many workers reach its end: the worker that claims it
 * refits the best trial on the whole training split (`trainModel`: its own tracked run, CV,
 * test evaluation, artifact) and registers it as a candidate version; the others wait for it
 * and read the outcome. A finalizer that dies is replaced after the heartbeat timeout.
 *
 * Registration never promotes. The registry makes a model's FIRST version its champion, so
 * when the model has no version yet the tuner registers nothing: the best trial stays in the
 * study, the note says why, and running `sdp tune --study NAME` again once a champion exists
 * (from `sdp train` or the start-up bootstrap) registers it.
 */
export async function finalizeStudy(
  deps: FinalizeDependencies,
  input: FinalizeInput,
): Promise<Study> {
  const { repository } = deps;
  const { study, config, worker } = input;
  const timeoutMs = config.tune.heartbeat.timeoutMs;
  const beat = setInterval(
    () => void repository.heartbeat(worker).catch(() => {}),
    config.tune.heartbeat.intervalMs,
  );
  beat.unref();
  try {
    for (;;) {
      if (await repository.claimFinalization(study.id, worker, timeoutMs)) {
        try {
          await finalizeClaimed(deps, input);
        } catch (error) {
          await repository.releaseFinalization(study.id, worker);
          throw error;
        }
      }
      const current = (await repository.findByName(study.name))!;
      if (current.state === 'complete') return current;
      await sleep(Math.min(1000, config.tune.heartbeat.intervalMs));
    }
  } finally {
    clearInterval(beat);
  }
}

async function finalizeClaimed(deps: FinalizeDependencies, input: FinalizeInput): Promise<void> {
  const { repository, tracking } = deps;
  const { study, definition, config, worker } = input;
  const trials = await repository.trials(study.id);
  const best = bestTrial(trials, directionOf(definition));
  const modelName = config.train.registeredModel;
  let version: number | null = null;
  let note: string | null = null;
  if (!best) {
    note = 'no trial completed: nothing to refit';
  } else if (!config.tune.register) {
    note = 'tune.register is false: the best trial was not refitted';
  } else if (!(await hasVersions(deps.registry, modelName))) {
    note =
      `deferred: ${modelName} has no version yet, and its first version becomes champion ` +
      `automatically; train one (sdp train), then run sdp tune --study ${study.name} again to register the best trial`;
  } else {
    const refit = await trainModel(deps, {
      dataset: (await deps.datasets.resolve(study.datasetId))!,
      config: {
        ...config,
        model: {
          ...config.model,
          name: definition.base.model,
          params: { ...definition.base.params, ...best.params },
        },
        train: {
          ...config.train,
          testFraction: definition.testFraction,
          seed: definition.splitSeed,
          folds: definition.folds,
        },
      },
      recordedConfig: input.recordedConfig,
      groups: { ...input.groups, study: study.name, trial: String(best.number) },
      codeVersion: input.codeVersion,
    });
    version = refit.version;
    note = `refit of trial ${best.number} in run ${refit.runId}`;
  }
  if (study.runId) {
    const counts = countTrials(trials);
    const runId = study.runId as RunId;
    await tracking
      .logMetrics(runId, {
        ...(best ? { best_value: best.value!, best_trial: best.number } : {}),
        trials_complete: counts.complete,
        trials_pruned: counts.pruned,
        trials_failed: counts.failed,
      })
      .then(() => tracking.endRun(runId, 'finished'))
      .catch(() => {}); // already ended by an earlier finalization
  }
  await repository.completeStudy(study.id, worker, {
    bestTrial: best?.number ?? null,
    modelName: version === null ? null : modelName,
    modelVersion: version,
    note,
  });
}

async function hasVersions(registry: RegistryService, model: string): Promise<boolean> {
  try {
    return (await registry.getModel(model)).versions.length > 0;
  } catch (error) {
    if (isDomainError(error, 'not_found')) return false; // no such model yet
    throw error;
  }
}
