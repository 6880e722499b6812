import type { z } from 'zod';
import { DomainError } from '../errors.js';

/**
 * Pipelines as code (the Airflow DAG counterpart): a pipeline is a typed DAG of tasks, each
 * calling an existing stage function. Tasks hand later tasks references (a dataset id, a run
 * id, a model version) as their small JSON output, never the data itself.
 */

/** When a task runs, given how its upstream tasks ended. */
export type TriggerRule =
  /** Every upstream task succeeded (default); otherwise the task is skipped. */
  | 'all-succeeded'
  /** Every upstream task ended, whichever way (clean-ups, reports). */
  | 'all-done';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubles per try… */
  backoffMs: number;
  /** …up to this. */
  maxBackoffMs: number;
}

/** What a task hands to later tasks: references and small facts, as JSON. */
export type TaskOutput = Record<string, unknown>;

/** The half-open time interval a scheduled run covers, e.g. one ISO week. */
export interface Interval {
  start: Date;
  end: Date;
}

export interface TaskContext<P> {
  run: { id: string; pipeline: string; key: string; interval: Interval | null };
  params: P;
  /** 1 on the first try. */
  attempt: number;
  /** The output of each upstream task (direct or not) that succeeded, by task id. */
  upstream: Readonly<Record<string, TaskOutput>>;
  /** A line in this task's log (stored with the task run, shown by `sdp pipelines run-show`). */
  log(message: string): void;
  /** The run's one-line summary, shown in run lists ("gate refused v7: …"); the last one wins. */
  summarize(text: string): void;
  /** Ends this task as skipped; downstream tasks that need it to succeed are skipped too. */
  skip(reason: string): never;
  /** Ends this task and the whole run as skipped, with the reason (nothing left to do). */
  skipRun(reason: string): never;
  /** Aborted when the task's timeout passes. */
  signal: AbortSignal;
  /** The pipeline clock (a fake one in simulations). */
  now(): Date;
}

export interface TaskDefinition<P> {
  id: string;
  description: string;
  dependsOn?: readonly string[];
  trigger?: TriggerRule;
  retries?: Partial<RetryPolicy>;
  /** A try that takes longer fails (and is retried if tries remain). */
  timeoutMs?: number;
  run(ctx: TaskContext<P>): Promise<TaskOutput | void>;
}

export interface PipelineDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** Parameters of a run, validated when it is triggered. */
  params: S;
  /** In an order where every task comes after its upstream tasks. */
  tasks: readonly ResolvedTask<z.output<S>>[];
}

export interface ResolvedTask<P> extends TaskDefinition<P> {
  dependsOn: readonly string[];
  trigger: TriggerRule;
  retries: RetryPolicy;
  timeoutMs: number;
}

export const DEFAULT_RETRIES: RetryPolicy = {
  attempts: 3,
  backoffMs: 5_000,
  maxBackoffMs: 300_000,
};
export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

const TASK_ID = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Checks a pipeline and fills in defaults: task ids unique and well-formed, every dependency
 * known, no cycle. Tasks come back in a topological order (stable: as written where free).
 */
export function definePipeline<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  params: S;
  tasks: readonly TaskDefinition<z.output<S>>[];
}): PipelineDefinition<S> {
  const where = `pipeline "${definition.name}"`;
  const byId = new Map<string, TaskDefinition<z.output<S>>>();
  for (const task of definition.tasks) {
    if (!TASK_ID.test(task.id))
      throw DomainError.invalid(`${where}: task id "${task.id}" must match ${TASK_ID}`);
    if (byId.has(task.id))
      throw DomainError.invalid(`${where}: task "${task.id}" is defined twice`);
    byId.set(task.id, task);
  }
  for (const task of definition.tasks)
    for (const upstream of task.dependsOn ?? [])
      if (!byId.has(upstream))
        throw DomainError.invalid(`${where}: task "${task.id}" depends on unknown "${upstream}"`);

  const ordered: ResolvedTask<z.output<S>>[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting')
      throw DomainError.invalid(`${where}: tasks form a cycle: ${[...path, id].join(' → ')}`);
    state.set(id, 'visiting');
    const task = byId.get(id)!;
    for (const upstream of task.dependsOn ?? []) visit(upstream, [...path, id]);
    state.set(id, 'done');
    const retries = { ...DEFAULT_RETRIES, ...task.retries };
    if (!(retries.attempts >= 1 && Number.isInteger(retries.attempts)))
      throw DomainError.invalid(`${where}: task "${id}" needs at least one attempt`);
    ordered.push({
      ...task,
      dependsOn: task.dependsOn ?? [],
      trigger: task.trigger ?? 'all-succeeded',
      retries,
      timeoutMs: task.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    });
  };
  for (const task of definition.tasks) visit(task.id, []);
  return {
    name: definition.name,
    description: definition.description,
    params: definition.params,
    tasks: ordered,
  };
}

/** The wait before try `attempt + 1`: backoff × 2^(attempt − 1), capped. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
}

/** Thrown by `ctx.skip` / `ctx.skipRun`; the runner records it, it is not an error. */
export class TaskSkipped extends Error {
  constructor(
    readonly reason: string,
    readonly wholeRun: boolean,
  ) {
    super(reason);
    this.name = 'TaskSkipped';
  }
}
