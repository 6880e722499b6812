import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { toJobId, type JobQueue, type JobSchema } from '../platform/queue/job-queue.js';
import { DomainError, errorMessage, isRetryable } from '../errors.js';
import { NO_AUDIT, type AuditTrail } from '../platform/audit.js';
import { isStorableText, STORABLE_TEXT_MESSAGE } from '../platform/text.js';
import {
  retryDelayMs,
  TaskSkipped,
  type PipelineDefinition,
  type ResolvedTask,
  type TaskContext,
  type TaskOutput,
} from './definition.js';
import {
  ACTIVE_RUN_STATES,
  FINISHED_TASK_STATES,
  type PipelineRepository,
  type PipelineRun,
  type TaskRun,
} from './pipeline-repository.js';
import type { RunState, RunTrigger, TaskLogLine, TaskState } from './tables.js';

/** How the runner puts a task try on the job queue, and finds it again. */
export interface TaskQueue {
  /** Enqueues try `attempt` of a task; the job id makes a second enqueue of one try a no-op. */
  enqueue(task: TaskJob, options: { jobId: string; delayMs?: number }): Promise<void>;
  /** The queue's view of a job: absent, still to run or running, or given up on. */
  jobState(jobId: string): Promise<'absent' | 'pending' | 'failed' | 'completed'>;
}

/** The runner's view of a job queue that carries `pipeline-task` jobs. */
export function taskQueueOf(queue: Pick<JobQueue<JobSchema>, 'enqueue' | 'getJob'>): TaskQueue {
  return {
    enqueue: async (job, options) => {
      await queue.enqueue(job as never, options);
    },
    jobState: async (id) => {
      const job = await queue.getJob(toJobId(id));
      if (!job) return 'absent';
      return job.state === 'failed'
        ? 'failed'
        : job.state === 'completed'
          ? 'completed'
          : 'pending';
    },
  };
}

/** The payload of a `pipeline-task` job. */
export const taskJobSchema = z.object({
  type: z.literal('pipeline-task'),
  runId: z.string().min(1).max(100),
  taskId: z.string().min(1).max(100),
});
export type TaskJob = z.infer<typeof taskJobSchema>;

export const taskJobId = (runId: string, taskId: string, attempt: number) =>
  `pt.${runId}.${taskId}.${attempt}`;

export interface TriggerInput {
  params?: Record<string, unknown>;
  trigger: RunTrigger;
  actor: string;
  /** Default: `manual:<uuid>` — a manual run never collides with a scheduled interval. */
  runKey?: string;
  interval?: { start: Date; end: Date } | null;
  /** Store the run as skipped with this reason instead of queueing it (overlap policy). */
  skipReason?: string;
}

export interface RunDetails {
  run: PipelineRun;
  tasks: (TaskRun & { dependsOn: readonly string[]; description: string })[];
}

const LOG_LINES_PER_TASK = 500;

/**
 * The runner: stores runs, hands each ready task to the job queue, records every try's
 * outcome and moves the DAG on. No process owns a run: whichever worker finishes a task
 * starts the next ones, so a run survives any one process (the scheduler's included), and
 * `reconcile` repairs what a crash between two writes left behind.
 */
export class PipelineService {
  private readonly definitions = new Map<string, PipelineDefinition>();

  constructor(
    private readonly repository: PipelineRepository,
    private readonly queue: TaskQueue,
    definitions: readonly PipelineDefinition[],
    private readonly clock: () => Date,
    private readonly log: { info(o: object, m?: string): void; warn(o: object, m?: string): void },
    private readonly audit: AuditTrail = NO_AUDIT,
    /**
     * A running try beats this often; one silent for three beats is presumed dead (its
     * process killed or cut off), and only then tried again.
     */
    private readonly heartbeatMs = 10_000,
  ) {
    for (const definition of definitions) this.definitions.set(definition.name, definition);
  }

  private get staleAfterMs(): number {
    return 3 * this.heartbeatMs;
  }

  list(): PipelineDefinition[] {
    return [...this.definitions.values()];
  }

  definition(name: string): PipelineDefinition {
    const definition = this.definitions.get(name);
    if (!definition)
      throw DomainError.notFound(
        `No pipeline "${name}"; there are: ${[...this.definitions.keys()].join(', ') || 'none'}.`,
      );
    return definition;
  }

  /**
   * Creates a run (parameters validated) and starts it unless another run of the pipeline is
   * running or the pipeline is paused; then it waits in the queue. A run key used before
   * creates nothing and returns that run (`created: false`).
   */
  async trigger(
    name: string,
    input: TriggerInput,
  ): Promise<{ run: PipelineRun; created: boolean }> {
    const definition = this.definition(name);
    if (input.runKey !== undefined && !(input.runKey.length > 0 && isStorableText(input.runKey)))
      throw DomainError.invalid(`A run key must be non-empty text that ${STORABLE_TEXT_MESSAGE}`);
    const parsed = definition.params.safeParse(input.params ?? {});
    if (!parsed.success)
      throw DomainError.invalid(
        `Parameters of pipeline "${name}": ${z.prettifyError(parsed.error)}`,
      );
    const result = await this.repository.insertRun(
      {
        id: `pr_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        pipeline: name,
        runKey: input.runKey ?? `manual:${randomUUID()}`,
        trigger: input.trigger,
        interval: input.interval ?? null,
        params: parsed.data as Record<string, unknown>,
        createdBy: input.actor,
        state: input.skipReason ? 'skipped' : 'queued',
        summary: input.skipReason,
        tasks: definition.tasks.map((task) => ({
          taskId: task.id,
          maxAttempts: task.retries.attempts,
        })),
      },
      this.clock(),
    );
    if (result.created) {
      this.log.info(
        { 'pipeline.name': name, 'pipeline.run': result.run.id, trigger: input.trigger },
        `pipeline ${name}: run ${result.run.id} ${input.skipReason ? `skipped (${input.skipReason})` : 'queued'} (${input.trigger}, key ${result.run.run_key})`,
      );
      await this.startNext(name);
    }
    return {
      run: (await this.repository.getRun(result.run.id)) ?? result.run,
      created: result.created,
    };
  }

  /** Starts the oldest queued run of a pipeline if none is running and it is not paused. */
  async startNext(name: string): Promise<void> {
    if ((await this.repository.control(name)).paused) return;
    const started = await this.repository.startOldestQueued(name, this.clock());
    if (started) await this.advance(started.id);
  }

  /**
   * Moves a run on: skips tasks whose trigger rule can no longer hold, queues tasks whose
   * upstream tasks are done, and ends the run when every task has ended. Idempotent, so
   * concurrent callers (two tasks ending at once) do no harm.
   */
  async advance(runId: string): Promise<void> {
    const run = await this.repository.getRun(runId);
    if (!run || run.state !== 'running') return;
    const definition = this.definition(run.pipeline);
    const states = new Map((await this.repository.taskRuns(runId)).map((t) => [t.task_id, t]));
    for (const task of definition.tasks) {
      const current = states.get(task.id);
      if (!current || current.state !== 'pending') continue;
      const upstream = task.dependsOn.map((id) => states.get(id)!);
      if (!upstream.every((t) => FINISHED_TASK_STATES.includes(t.state))) continue;
      const unmet = upstream.find((t) => t.state !== 'succeeded');
      if (task.trigger === 'all-succeeded' && unmet) {
        const error = `upstream task ${unmet.task_id} ${unmet.state}`;
        if (
          await this.repository.updateTask(runId, task.id, ['pending'], { state: 'skipped', error })
        )
          states.set(task.id, { ...current, state: 'skipped', error });
        continue;
      }
      // Enqueue first, then mark: a crash in between leaves a job that finds its task
      // pending-or-queued and runs it, never a queued task without a job.
      await this.queue.enqueue(
        { type: 'pipeline-task', runId, taskId: task.id },
        { jobId: taskJobId(runId, task.id, current.attempts + 1) },
      );
      await this.repository.updateTask(runId, task.id, ['pending'], { state: 'queued' });
      states.set(task.id, { ...current, state: 'queued' });
    }
    const tasks = [...states.values()];
    if (!tasks.every((t) => FINISHED_TASK_STATES.includes(t.state))) return;
    const failed = tasks.find((t) => t.state === 'failed');
    const state: RunState = failed
      ? 'failed'
      : run.summary?.startsWith(SKIPPED_RUN)
        ? 'skipped'
        : 'succeeded';
    const summary = failed
      ? `task ${failed.task_id} failed: ${failed.error ?? 'unknown error'}`
      : run.summary?.startsWith(SKIPPED_RUN)
        ? run.summary.slice(SKIPPED_RUN.length)
        : run.summary;
    if (await this.repository.finishRun(runId, state, summary, this.clock())) {
      this.log.info(
        { 'pipeline.name': run.pipeline, 'pipeline.run': runId, 'pipeline.state': state },
        `pipeline ${run.pipeline}: run ${runId} ${state}${summary ? `: ${summary}` : ''}`,
      );
      await this.startNext(run.pipeline);
    }
  }

  /**
   * Runs one try of a task (the `pipeline-task` job). A task's own failure is recorded, not
   * thrown: the job succeeds, and the retry (with the task's backoff) is a new job. Only a
   * failure to record (database down) throws, so that the queue tries the job again.
   */
  async runTask(
    job: TaskJob,
    signal?: AbortSignal,
  ): Promise<{ state: TaskState; attempt?: number }> {
    const { runId, taskId } = job;
    const run = await this.repository.getRun(runId);
    let current = await this.repository.getTaskRun(runId, taskId);
    if (!run || !current) throw DomainError.notFound(`No task ${taskId} in pipeline run ${runId}`);
    // A second delivery of a job whose try still runs (its queue lock lost while Redis was
    // away or its event loop busy) waits for that try instead of running beside it.
    while (
      current.state === 'running' &&
      (await this.repository.isAlive(runId, taskId, this.staleAfterMs))
    ) {
      await sleep(this.heartbeatMs, undefined, { signal });
      current = (await this.repository.getTaskRun(runId, taskId))!;
    }
    if (run.state !== 'running' || FINISHED_TASK_STATES.includes(current.state))
      return { state: current.state };
    const task = this.definition(run.pipeline).tasks.find((t) => t.id === taskId);
    if (!task) throw DomainError.notFound(`Pipeline ${run.pipeline} has no task ${taskId}`);

    const attempt = current.attempts + 1;
    const startedAt = this.clock();
    // Fenced on the try count: of two deliveries of one job, one claims the try.
    const claimed = await this.repository.updateTask(
      runId,
      taskId,
      ['pending', 'queued', 'up_for_retry', 'running'],
      {
        state: 'running',
        attempts: attempt,
        started_at: startedAt,
        finished_at: null,
        error: null,
        next_try_at: null,
      },
      current.attempts,
    );
    if (!claimed) return { state: 'running' };
    await this.repository.beat(runId, taskId, attempt);
    const at = startedAt.toISOString();
    await this.repository.appendLog(runId, taskId, [
      ...(current.state === 'running'
        ? [
            {
              at,
              attempt: current.attempts,
              message: 'this try was interrupted (its process stopped)',
            },
          ]
        : []),
      { at, attempt, message: `try ${attempt} of ${current.max_attempts} on ${WORKER}` },
    ]);
    if (attempt > current.max_attempts) {
      await this.endTask(run, task, attempt - 1, 'failed', {
        error: `interrupted: its process stopped during try ${attempt - 1} of ${current.max_attempts}`,
      });
      return { state: 'failed', attempt };
    }

    const logLines: TaskLogLine[] = [];
    let written = Promise.resolve();
    const log = (message: string) => {
      if (logLines.length >= LOG_LINES_PER_TASK) return;
      const line = { at: this.clock().toISOString(), attempt, message };
      logLines.push(line);
      written = written
        .then(() => this.repository.appendLog(runId, taskId, [line]))
        .catch(() => {});
    };
    const controller = new AbortController();
    const ancestors = ancestorsOf(this.definition(run.pipeline), taskId);
    const upstream = Object.fromEntries(
      (await this.repository.taskRuns(runId))
        .filter((t) => t.state === 'succeeded' && ancestors.has(t.task_id))
        .map((t) => [t.task_id, (t.output ?? {}) as TaskOutput]),
    );
    const ctx: TaskContext<unknown> = {
      run: {
        id: runId,
        pipeline: run.pipeline,
        key: run.run_key,
        interval:
          run.interval_start && run.interval_end
            ? { start: run.interval_start, end: run.interval_end }
            : null,
      },
      params: run.params,
      attempt,
      upstream,
      log,
      summarize: (text) => {
        written = written.then(() => this.repository.setRunSummary(runId, text)).catch(() => {});
      },
      skip: (reason) => {
        throw new TaskSkipped(reason, false);
      },
      skipRun: (reason) => {
        throw new TaskSkipped(reason, true);
      },
      signal: controller.signal,
      now: this.clock,
    };

    const began = performance.now();
    const took = () => Math.round(performance.now() - began);
    const heartbeat = setInterval(
      () => void this.repository.beat(runId, taskId, attempt).catch(() => {}),
      this.heartbeatMs,
    );
    heartbeat.unref();
    let timer: NodeJS.Timeout | undefined;
    try {
      const output = await Promise.race([
        task.run(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(DomainError.unavailable(`timed out after ${task.timeoutMs} ms`));
          }, task.timeoutMs);
        }),
      ]);
      await written;
      await this.endTask(run, task, attempt, 'succeeded', {
        output: output ?? {},
        durationMs: took(),
      });
      return { state: 'succeeded', attempt };
    } catch (error) {
      await written;
      if (error instanceof TaskSkipped) {
        if (error.wholeRun)
          await this.repository.setRunSummary(runId, `${SKIPPED_RUN}${error.reason}`);
        await this.endTask(
          run,
          task,
          attempt,
          'skipped',
          { error: error.reason, durationMs: took() },
          error.wholeRun,
        );
        return { state: 'skipped', attempt };
      }
      const message = errorMessage(error);
      if (isRetryable(error) && attempt < current.max_attempts) {
        const delayMs = retryDelayMs(task.retries, attempt);
        await this.repository.updateTask(
          runId,
          taskId,
          ['running'],
          {
            state: 'up_for_retry',
            error: message,
            finished_at: this.clock(),
            next_try_at: new Date(this.clock().getTime() + delayMs),
          },
          attempt,
        );
        await this.queue.enqueue(job, { jobId: taskJobId(runId, taskId, attempt + 1), delayMs });
        this.log.warn(
          { 'pipeline.run': runId, 'pipeline.task': taskId, err: error },
          `pipeline ${run.pipeline}: task ${taskId} try ${attempt} of ${current.max_attempts} failed (${message}); next try in ${delayMs} ms`,
        );
        return { state: 'up_for_retry', attempt };
      }
      await this.endTask(run, task, attempt, 'failed', { error: message, durationMs: took() });
      return { state: 'failed', attempt };
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
    }
  }

  private async endTask(
    run: PipelineRun,
    task: ResolvedTask<unknown>,
    attempt: number,
    state: 'succeeded' | 'failed' | 'skipped',
    /** `durationMs` is measured on the monotonic clock: real even under a simulation's fake one. */
    outcome: { output?: TaskOutput; error?: string; durationMs?: number },
    skipRest = false,
  ): Promise<void> {
    const now = this.clock();
    await this.repository.updateTask(
      run.id,
      task.id,
      ['running'],
      {
        state,
        finished_at: now,
        duration_ms: outcome.durationMs ?? null,
        output: JSON.stringify(outcome.output ?? null),
        error: outcome.error ?? null,
      },
      attempt,
    );
    if (state === 'failed')
      this.log.warn(
        { 'pipeline.run': run.id, 'pipeline.task': task.id },
        `pipeline ${run.pipeline}: task ${task.id} failed: ${outcome.error}`,
      );
    if (skipRest)
      for (const other of await this.repository.taskRuns(run.id))
        if (other.state === 'pending')
          await this.repository.updateTask(run.id, other.task_id, ['pending'], {
            state: 'skipped',
            error: `run skipped by ${task.id}`,
          });
    await this.advance(run.id);
  }

  /**
   * Runs a finished run's failed tasks again (or the one named, failed or not) with
   * everything downstream of them: each gets its task's tries afresh.
   */
  async retry(runId: string, options: { task?: string; actor: string }): Promise<RunDetails> {
    const run = await this.requireRun(runId);
    if (ACTIVE_RUN_STATES.includes(run.state))
      throw DomainError.conflict(`Run ${runId} is ${run.state}; retry it once it has ended`);
    const definition = this.definition(run.pipeline);
    const tasks = await this.repository.taskRuns(runId);
    if (options.task && !definition.tasks.some((t) => t.id === options.task))
      throw DomainError.notFound(`Pipeline ${run.pipeline} has no task "${options.task}"`);
    const roots = options.task
      ? [options.task]
      : tasks.filter((t) => t.state === 'failed').map((t) => t.task_id);
    if (roots.length === 0)
      throw DomainError.conflict(
        `Run ${runId} has no failed task; name one with --task to run it again`,
      );
    const again = new Set(roots);
    for (const task of definition.tasks)
      if (task.dependsOn.some((id) => again.has(id))) again.add(task.id);
    for (const task of definition.tasks) {
      if (!again.has(task.id)) continue;
      const current = tasks.find((t) => t.task_id === task.id)!;
      await this.repository.updateTask(runId, task.id, FINISHED_TASK_STATES, {
        state: 'pending',
        max_attempts: current.attempts + task.retries.attempts,
        error: null,
        output: JSON.stringify(null),
        finished_at: null,
        duration_ms: null,
      });
    }
    await this.repository.setRunSummary(
      runId,
      `retried by ${options.actor}: ${[...again].join(', ')}`,
    );
    await this.repository.requeueRun(runId);
    await this.audit.record({
      actor: options.actor,
      action: 'pipeline.retry',
      target: runId,
      reason: null,
      details: { pipeline: run.pipeline, tasks: [...again] },
    });
    await this.startNext(run.pipeline);
    return this.show(runId);
  }

  async setPaused(name: string, paused: boolean, actor: string): Promise<void> {
    this.definition(name);
    await this.repository.setPaused(name, paused, actor, this.clock());
    await this.audit.record({
      actor,
      action: paused ? 'pipeline.pause' : 'pipeline.resume',
      target: name,
      reason: null,
      details: {},
    });
    if (!paused) await this.startNext(name);
  }

  async isPaused(name: string): Promise<boolean> {
    this.definition(name);
    return (await this.repository.control(name)).paused;
  }

  async show(runId: string): Promise<RunDetails> {
    const run = await this.requireRun(runId);
    const definition = this.definitions.get(run.pipeline);
    const rows = new Map((await this.repository.taskRuns(runId)).map((t) => [t.task_id, t]));
    const order = definition?.tasks.map((t) => t.id) ?? [...rows.keys()];
    return {
      run,
      tasks: order
        .filter((id) => rows.has(id))
        .map((id) => {
          const task = definition?.tasks.find((t) => t.id === id);
          return {
            ...rows.get(id)!,
            dependsOn: task?.dependsOn ?? [],
            description: task?.description ?? '',
          };
        }),
    };
  }

  runs(options: {
    pipeline?: string;
    limit?: number;
    states?: RunState[];
  }): Promise<PipelineRun[]> {
    if (options.pipeline) this.definition(options.pipeline);
    return this.repository.listRuns({ ...options, limit: options.limit ?? 50 });
  }

  /**
   * Repairs what crashes leave: a task whose job is gone or was given up on by the queue
   * (its worker killed on every try, the database down through every retry) is queued again
   * if it has tries left, else failed with the reason; a try that still beats is left alone;
   * then its run moves on (tasks whose enqueue failed are queued now). Called by the
   * scheduler on every tick, so no run stays `running` for ever.
   */
  async reconcile(): Promise<number> {
    let repaired = 0;
    for (const run of await this.repository.listRuns({ states: ['running'], limit: 100 })) {
      if (!this.definitions.has(run.pipeline)) continue;
      for (const task of await this.repository.taskRuns(run.id)) {
        if (!['queued', 'running', 'up_for_retry'].includes(task.state)) continue;
        // A try that still beats is alive, whatever became of its job (Redis restarted empty).
        if (
          task.state === 'running' &&
          (await this.repository.isAlive(run.id, task.task_id, this.staleAfterMs))
        )
          continue;
        const attempt = task.state === 'running' ? task.attempts : task.attempts + 1;
        const jobId = taskJobId(run.id, task.task_id, attempt);
        const job = await this.queue.jobState(jobId);
        if (job === 'pending') continue;
        if (job === 'completed' && task.state !== 'running') continue; // being recorded now
        repaired++;
        // A try the queue gave up on before any worker claimed it counts as used: its job id
        // is taken, and the next try needs the next one.
        const used = task.attempts + (job === 'failed' && task.state !== 'running' ? 1 : 0);
        if (used < task.max_attempts) {
          const next = used + 1;
          this.log.warn(
            { 'pipeline.run': run.id, 'pipeline.task': task.task_id },
            `pipeline ${run.pipeline}: task ${task.task_id} lost its job (${job}); queueing try ${next}`,
          );
          // Fenced: if a worker claimed the task since it was read, there is nothing to repair.
          const moved = await this.repository.updateTask(
            run.id,
            task.task_id,
            [task.state],
            { state: 'up_for_retry', attempts: used },
            task.attempts,
          );
          if (moved)
            await this.queue.enqueue(
              { type: 'pipeline-task', runId: run.id, taskId: task.task_id },
              { jobId: taskJobId(run.id, task.task_id, next) },
            );
        } else {
          await this.repository.updateTask(
            run.id,
            task.task_id,
            [task.state],
            {
              state: 'failed',
              finished_at: this.clock(),
              error: `its job ${jobId} was ${job === 'failed' ? 'given up on by the queue' : 'lost'} after ${task.attempts} tries`,
            },
            task.attempts,
          );
          await this.advance(run.id);
        }
      }
      // Tasks left pending when an enqueue failed (Redis away) are queued now.
      await this.advance(run.id);
    }
    return repaired;
  }

  private async requireRun(runId: string): Promise<PipelineRun> {
    const run = await this.repository.getRun(runId);
    if (!run) throw DomainError.notFound(`No pipeline run "${runId}"`);
    return run;
  }
}

/** Who runs a try, in its log: the process, so that an operator can find it. */
const WORKER = `${hostname()} pid ${process.pid}`;

/** Every task a task depends on, directly or through others. */
function ancestorsOf(definition: PipelineDefinition, taskId: string): Set<string> {
  const byId = new Map(definition.tasks.map((t) => [t.id, t]));
  const found = new Set<string>();
  const visit = (id: string) => {
    for (const upstream of byId.get(id)?.dependsOn ?? [])
      if (!found.has(upstream)) {
        found.add(upstream);
        visit(upstream);
      }
  };
  visit(taskId);
  return found;
}

/** Marks a run summary written by `skipRun`, until the run ends as skipped. */
const SKIPPED_RUN = 'skipped: ';
