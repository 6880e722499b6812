import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, retryDelayMs } from './definition.js';
import { checkSchedule, intervalsEndingBetween } from './schedule.js';

const run = async () => {};
const pipeline = (tasks: { id: string; dependsOn?: string[] }[]) =>
  definePipeline({
    name: 'p',
    description: '',
    params: z.object({}),
    tasks: tasks.map((t) => ({ ...t, description: t.id, run })),
  });

describe('definePipeline', () => {
  it('orders tasks after their upstream tasks and fills in the defaults', () => {
    const p = pipeline([{ id: 'c', dependsOn: ['b'] }, { id: 'a' }, { id: 'b', dependsOn: ['a'] }]);
    expect(p.tasks.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(p.tasks[0]).toMatchObject({
      trigger: 'all-succeeded',
      retries: { attempts: 3 },
      timeoutMs: 1_800_000,
    });
  });

  it('refuses a cycle, an unknown dependency, a duplicate and a bad id, naming them', () => {
    expect(() =>
      pipeline([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]),
    ).toThrow('pipeline "p": tasks form a cycle: a → b → a');
    expect(() => pipeline([{ id: 'a', dependsOn: ['x'] }])).toThrow(
      'task "a" depends on unknown "x"',
    );
    expect(() => pipeline([{ id: 'a' }, { id: 'a' }])).toThrow('task "a" is defined twice');
    expect(() => pipeline([{ id: 'Train Model' }])).toThrow(/task id "Train Model" must match/);
  });

  it('backs off exponentially up to the cap', () => {
    const policy = { attempts: 6, backoffMs: 1000, maxBackoffMs: 5000 };
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });
});

describe('schedules', () => {
  const weekly = { cron: '0 3 * * 1', timezone: 'Europe/Warsaw' };

  it('gives the intervals that ended, each a week, in local time across a DST change', () => {
    const intervals = intervalsEndingBetween(
      weekly,
      new Date('2027-03-20T00:00:00Z'),
      new Date('2027-04-06T00:00:00Z'),
    );
    expect(intervals.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2027-03-15T02:00:00.000Z', '2027-03-22T02:00:00.000Z'],
      // Summer time from 28 March: Monday 03:00 in Warsaw is 01:00 UTC.
      ['2027-03-22T02:00:00.000Z', '2027-03-29T01:00:00.000Z'],
      ['2027-03-29T01:00:00.000Z', '2027-04-05T01:00:00.000Z'],
    ]);
  });

  it('refuses a malformed expression or an unknown time zone with the setting named', () => {
    expect(() =>
      checkSchedule({ ...weekly, timezone: 'Mars/Olympus' }, 'pipelines.retrain.schedule'),
    ).toThrow('pipelines.retrain.schedule: "Mars/Olympus" is not an IANA time zone');
    expect(() => checkSchedule({ ...weekly, cron: '0 3 * *' }, 'x')).toThrow(
      /is not a five-field cron expression/,
    );
    expect(() => checkSchedule({ ...weekly, cron: '0 3 * * funday' }, 'x')).toThrow(
      /is not a valid cron expression/,
    );
  });
});
