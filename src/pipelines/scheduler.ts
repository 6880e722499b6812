import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DomainError, errorMessage } from '../errors.js';
import type { PipelineRepository } from './pipeline-repository.js';
import type { PipelineService } from './pipeline-service.js';
import { intervalKey, intervalsEndingBetween, nextFire } from './schedule.js';
import type { ScheduleSettings } from './settings.js';

const LEASE = 'pipeline-scheduler';

export interface TickResult {
  leader: boolean;
  /** Runs created by this tick, as `pipeline@key`. */
  fired: string[];
}

/**
 * Fires schedules (the Airflow scheduler counterpart). Any number of sdp processes may run
 * one; a lease in the database makes exactly one of them the leader, and the run key (the
 * interval's start, unique per pipeline) makes a second firing of an interval a no-op even
 * if two ever overlapped. A schedule first seen starts at the first interval ending after
 * that moment: a new install does not run the past.
 */
export class PipelineScheduler {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<TickResult> | undefined;

  constructor(
    private readonly service: PipelineService,
    private readonly repository: PipelineRepository,
    private readonly schedules: Readonly<Record<string, ScheduleSettings>>,
    private readonly options: {
      clock: () => Date;
      leaseMs: number;
      log: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
    },
  ) {}

  /** One look at the clock: take or renew the lease, fire what is due, repair lost tasks. */
  tick(): Promise<TickResult> {
    // Ticks never overlap in one process (a slow database must not stack them up).
    this.ticking ??= this.tickOnce().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async tickOnce(): Promise<TickResult> {
    const now = this.options.clock();
    if (!(await this.repository.acquireLease(LEASE, this.holder, now, this.options.leaseMs)))
      return { leader: false, fired: [] };
    const fired: string[] = [];
    for (const [name, schedule] of Object.entries(this.schedules)) {
      if (!schedule.cron) continue;
      const control = await this.repository.control(name);
      if (control.paused) continue;
      if (!control.firedUntil) {
        await this.repository.setFiredUntil(name, now, now);
        continue;
      }
      const due = intervalsEndingBetween(
        { cron: schedule.cron, timezone: schedule.timezone },
        control.firedUntil,
        now,
      );
      for (const [i, interval] of due.entries()) {
        const missed = schedule.catchup === 'latest' && i < due.length - 1;
        const active = await this.repository.listRuns({
          pipeline: name,
          states: ['queued', 'running'],
          limit: 1,
        });
        const skipReason = missed
          ? `missed while sdp was down; catch-up policy "latest" runs only ${intervalKey(due.at(-1)!)}`
          : schedule.overlap === 'skip' && active.length > 0
            ? `run ${active[0].id} was still ${active[0].state} (overlap policy "skip")`
            : undefined;
        const { run, created } = await this.service.trigger(name, {
          trigger: 'schedule',
          actor: 'scheduler',
          runKey: intervalKey(interval),
          interval,
          skipReason,
        });
        if (created) fired.push(`${name}@${run.run_key}`);
        await this.repository.setFiredUntil(name, interval.end, now);
      }
    }
    await this.service.reconcile();
    return { leader: true, fired };
  }

  /**
   * Runs the scheduled intervals ending in (from, to] that have no run yet, oldest first, as
   * `backfill` runs (queued one after another). Intervals run before keep their run.
   */
  async backfill(
    name: string,
    from: Date,
    to: Date,
    actor: string,
  ): Promise<{ created: string[]; existing: string[] }> {
    this.service.definition(name);
    const schedule = this.schedules[name];
    if (!schedule?.cron)
      throw DomainError.invalid(
        `Pipeline "${name}" has no schedule (pipelines.${name}.schedule.cron), so it has no intervals to backfill`,
      );
    if (!(from < to)) throw DomainError.invalid(`--from must be before --to`);
    const intervals = intervalsEndingBetween(
      { cron: schedule.cron, timezone: schedule.timezone },
      from,
      to,
    );
    if (intervals.length >= 1000)
      throw DomainError.invalid('That is 1000 intervals or more; backfill a shorter span');
    const created: string[] = [];
    const existing: string[] = [];
    for (const interval of intervals) {
      const result = await this.service.trigger(name, {
        trigger: 'backfill',
        actor,
        runKey: intervalKey(interval),
        interval,
      });
      (result.created ? created : existing).push(result.run.id);
    }
    return { created, existing };
  }

  /** When the schedule of a pipeline fires next (after the clock's now), if it has one. */
  nextRun(name: string): Date | null {
    const schedule = this.schedules[name];
    return schedule?.cron
      ? nextFire({ cron: schedule.cron, timezone: schedule.timezone }, this.options.clock())
      : null;
  }

  /** Ticks every `tickMs` until `stop()`. */
  start(tickMs: number): void {
    const run = () =>
      void this.tick().catch((error) =>
        this.options.log.warn(
          { err: error },
          `pipeline scheduler: tick failed (${errorMessage(error)}); trying again`,
        ),
      );
    run();
    this.timer = setInterval(run, tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking?.catch(() => {});
    await this.repository.releaseLease(LEASE, this.holder).catch(() => {});
  }
}
