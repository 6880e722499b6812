import { setTimeout as sleep } from 'node:timers/promises';
import type { TrackingService } from '../tracking/tracking-service.js';
import type { RunId } from '../tracking/ids.js';
import { createSampler } from './create-sampler.js';
import { evaluateTrial } from './evaluate-trial.js';
import { createFoldRunner } from './fold-runner.js';
import { shouldPruneByMedian } from './median-pruner.js';
import { trialRandom } from './sampler.js';
import type { TrialParams } from './search-space.js';
import type { StudyData } from './study-data.js';
import { directionOf, trialSpec, type StudyDefinition } from './study-definition.js';
import type { Study, StudyRepository } from './study-repository.js';
import type { TuneSettings } from './settings.js';

/** How a trial ended, as reported to progress listeners. */
export interface TrialEvent {
  number: number;
  state: 'complete' | 'pruned' | 'failed';
  value: number | null;
  params: TrialParams;
  error?: string;
}

export interface RunTrialsInput {
  repository: StudyRepository;
  tracking: TrackingService;
  study: Study;
  definition: StudyDefinition;
  data: StudyData;
  /** This process's sampler, pruner, parallelism and heartbeat settings. */
  tune: Pick<TuneSettings, 'sampler' | 'tpe' | 'pruner' | 'median' | 'parallelism' | 'heartbeat'>;
  experiment: string;
  /** Identifies this process in trial rows (host, pid, random suffix). */
  worker: string;
  /** Stop after starting this many trials (a queue job runs one); default: until the budget is met. */
  maxTrials?: number;
  onTrialEnd?: (event: TrialEvent) => void;
  signal?: AbortSignal;
}

/**
 * Works on a study until its budget is met: `tune.parallelism` trial loops, each asking the
 * database for the next trial (number and parameters), cross-validating it fold by fold on
 * the shared worker pool, reporting intermediate values, pruning by the median rule and
 * recording the outcome — each trial as a child run of the study's run. While other workers'
 * trials are still running with no budget left, it waits: if their worker died, their
 * heartbeat expires, they are marked failed and this process runs replacements.
 */
export async function runTrials(input: RunTrialsInput): Promise<{ started: number }> {
  const { repository, tracking, study, definition, data, tune, worker } = input;
  const sampler = createSampler(tune);
  const direction = directionOf(definition);
  const runner = createFoldRunner(Math.min(tune.parallelism, input.maxTrials ?? Infinity));
  let started = 0;
  const beat = setInterval(
    () => void repository.heartbeat(worker).catch(() => {}),
    tune.heartbeat.intervalMs,
  );
  beat.unref();
  const parentRunId = await studyRunId(repository, study);

  const runOne = async (number: number, params: TrialParams): Promise<void> => {
    let runId: RunId | null = null;
    const own = new Map<number, number>();
    try {
      const run = await tracking.startRun({
        experiment: input.experiment,
        name: `${study.name} trial ${number}`,
        params: { trial: number, ...prefixed(params) },
        parentRunId,
        datasetId: study.datasetId,
        seed: definition.samplerSeed,
        tags: { study: study.name, trial: String(number), worker },
      });
      runId = run.id;
      await repository.setTrialRun(study.id, number, run.id);
      const outcome = await evaluateTrial({
        spec: trialSpec(definition, params),
        data,
        metric: definition.metric,
        runner,
        onStep: async (step, intermediate, fold) => {
          own.set(step, intermediate);
          await repository.reportStep(study.id, number, step, intermediate);
          await tracking.logMetrics(
            run.id,
            { [definition.metric]: fold.report[definition.metric] ?? 0, intermediate },
            step,
          );
          if (tune.pruner !== 'median') return false;
          const { values, completed } = await repository.completedAtStep(study.id, step);
          return shouldPruneByMedian(tune.median, {
            direction,
            step,
            own,
            othersAtStep: values,
            completedTrials: completed,
          });
        },
      });
      const stored = await repository.finishTrial(study.id, number, worker, {
        state: outcome.state,
        value: outcome.state === 'complete' ? outcome.value : null,
      });
      if (!stored)
        throw new Error('the trial outlived its heartbeat timeout and was marked failed');
      if (outcome.state === 'complete') {
        await tracking.logMetrics(run.id, { value: outcome.value });
        await tracking.endRun(run.id, 'finished');
      } else {
        await tracking.endRun(
          run.id,
          'killed',
          `pruned after fold ${outcome.step} (intermediate ${outcome.value.toFixed(4)} below the median)`,
        );
      }
      input.onTrialEnd?.({
        number,
        state: outcome.state,
        value: outcome.state === 'complete' ? outcome.value : null,
        params,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await repository
        .finishTrial(study.id, number, worker, { state: 'failed', error: message })
        .catch(() => false);
      if (runId) await tracking.endRun(runId, 'failed', message).catch(() => {});
      input.onTrialEnd?.({ number, state: 'failed', value: null, params, error: message });
    }
  };

  const loop = async (): Promise<void> => {
    while (!input.signal?.aborted && started < (input.maxTrials ?? Infinity)) {
      const allocation = await repository.allocateTrial(
        study.id,
        worker,
        tune.heartbeat.timeoutMs,
        (history, number) =>
          sampler.sample({
            space: definition.space,
            direction,
            history,
            random: trialRandom(definition.samplerSeed, number),
          }),
      );
      if (allocation.kind === 'done') return;
      if (allocation.kind === 'wait') {
        await sleep(Math.min(1000, tune.heartbeat.intervalMs));
        continue;
      }
      started++;
      await runOne(allocation.number, allocation.params);
    }
  };

  try {
    await Promise.all(Array.from({ length: tune.parallelism }, loop));
  } finally {
    clearInterval(beat);
    await runner.close();
  }
  return { started };
}

/** The study's run; a study created a moment ago by another process may not have it yet. */
async function studyRunId(repository: StudyRepository, study: Study): Promise<RunId> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = attempt === 0 ? study : await repository.findByName(study.name);
    if (current?.runId) return current.runId as RunId;
    await sleep(100);
  }
  throw new Error(`study ${study.name} has no run yet: did the process that created it die?`);
}

function prefixed(params: TrialParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [`model.${key}`, value]));
}
