import { CronExpressionParser } from 'cron-parser';
import { DomainError } from '../errors.js';
import type { Interval } from './definition.js';

export interface Schedule {
  /** Five-field cron expression, e.g. `0 3 * * 1` (Mondays 03:00). */
  cron: string;
  /** IANA time zone the expression is read in, e.g. `Europe/Warsaw`. */
  timezone: string;
}

/**
 * Checks a schedule, with a clear error for a malformed expression or an unknown time zone
 * (cron-parser's own messages name neither the setting nor the value).
 */
export function checkSchedule(schedule: Schedule, where: string): void {
  if (!isTimeZone(schedule.timezone))
    throw DomainError.invalid(
      `${where}: "${schedule.timezone}" is not an IANA time zone (e.g. Europe/Warsaw, UTC)`,
    );
  if (schedule.cron.trim().split(/\s+/).length !== 5)
    throw DomainError.invalid(
      `${where}: "${schedule.cron}" is not a five-field cron expression (minute hour day month weekday, e.g. "0 3 * * 1")`,
    );
  try {
    CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone }).next();
  } catch (error) {
    throw DomainError.invalid(
      `${where}: "${schedule.cron}" is not a valid cron expression (${(error as Error).message})`,
    );
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The intervals whose end (a fire time of the schedule) lies in (after, until], oldest first.
 * A run for an interval starts once the interval is over, as in Airflow: the run fired on
 * Monday 03:00 covers the week before it.
 */
export function intervalsEndingBetween(
  schedule: Schedule,
  after: Date,
  until: Date,
  limit = 1000,
): Interval[] {
  const fires = CronExpressionParser.parse(schedule.cron, {
    currentDate: after,
    tz: schedule.timezone,
  });
  const intervals: Interval[] = [];
  while (intervals.length < limit) {
    const end = fires.next().toDate();
    if (end > until) break;
    intervals.push({ start: previousFire(schedule, end), end });
  }
  return intervals;
}

/** The fire time before `fire`. */
export function previousFire(schedule: Schedule, fire: Date): Date {
  return CronExpressionParser.parse(schedule.cron, { currentDate: fire, tz: schedule.timezone })
    .prev()
    .toDate();
}

/** The next fire time after `after`. */
export function nextFire(schedule: Schedule, after: Date): Date {
  return CronExpressionParser.parse(schedule.cron, { currentDate: after, tz: schedule.timezone })
    .next()
    .toDate();
}

/** The run key of a scheduled interval: its start, so an interval is run once, whoever fires it. */
export const intervalKey = (interval: Interval): string => interval.start.toISOString();
