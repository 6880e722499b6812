import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { databaseBackends } from '../../test/harness/backends.js';
import { waitFor } from '../../test/harness/wait-for.js';
import { DomainError } from '../errors.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createJobQueue } from '../platform/queue/create-job-queue.js';
import type { JobQueue } from '../platform/queue/job-queue.js';
import { conformanceConfig } from '../platform/queue/testing/conformance.js';
import { definePipeline, type TaskDefinition } from './definition.js';
import { PipelineRepository } from './pipeline-repository.js';
import { PipelineService, taskJobSchema, taskQueueOf, type TaskQueue } from './pipeline-service.js';
import { PipelineScheduler } from './scheduler.js';
import type { ScheduleSettings } from './settings.js';

const jobSchema = z.discriminatedUnion('type', [taskJobSchema]);
const silent = { info() {}, warn() {} };
const quick = { attempts: 3, backoffMs: 5, maxBackoffMs: 20 };

/** What the toy tasks do, set by each test. */
const behaviour = new Map<string, (attempt: number) => Promise<Record<string, unknown> | void>>();
const task = (
  id: string,
  extra: Partial<TaskDefinition<unknown>> = {},
): TaskDefinition<unknown> => ({
  id,
  description: id,
  retries: quick,
  run: async (ctx) => {
    ctx.log(`${id} starts, upstream ${JSON.stringify(ctx.upstream)}`);
    const act = behaviour.get(`${ctx.run.key}/${id}`) ?? behaviour.get(id);
    return act ? act(ctx.attempt) : { [`${id}Id`]: `${id}-of-${ctx.run.key}` };
  },
  ...extra,
});

const toy = definePipeline({
  name: 'toy',
  description: 'a → b → c, and d after b whatever happened',
  params: z.strictObject({ size: z.number().int().min(1).default(1) }),
  tasks: [
    task('a'),
    task('b', { dependsOn: ['a'] }),
    task('c', { dependsOn: ['b'] }),
    task('d', { dependsOn: ['b'], trigger: 'all-done' }),
  ],
});

for (const backend of databaseBackends) {
  describe(`the pipeline runner on ${backend.name}`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    let handle: DatabaseHandle;
    let queue: JobQueue<typeof jobSchema>;
    let service: PipelineService;
    let repository: PipelineRepository;
    let now = new Date('2027-03-01T12:00:00Z');
    const clock = () => now;
    /** Enqueues that the test drops, as a crash between two writes would. */
    let dropNextEnqueue = false;
    /** Job ids the queue reports as given up on (every try of the job failed). */
    const givenUp = new Set<string>();

    beforeAll(async () => {
      opened = await backend.open();
      handle = opened.handle;
      queue = createJobQueue({
        settings: { url: 'inline', prefix: 'sdp', ...conformanceConfig },
        database: handle,
        schema: jobSchema,
        name: `pipelines-${backend.name}`,
        inline: { pollIntervalMs: 20, heartbeatMs: 100, staleAfterMs: 600 },
      });
      // The real adapter, with two faults the test can switch on.
      const real = taskQueueOf(queue);
      const tasks: TaskQueue = {
        enqueue: async (job, options) => {
          if (dropNextEnqueue) {
            dropNextEnqueue = false;
            return;
          }
          await real.enqueue(job, options);
        },
        jobState: async (id) => (givenUp.has(id) ? 'failed' : real.jobState(id)),
      };
      repository = new PipelineRepository(handle.db);
      service = new PipelineService(repository, tasks, [toy], clock, silent);
      await queue.work({ 'pipeline-task': (job) => service.runTask(job) }, { concurrency: 2 });
    });
    afterEach(() => behaviour.clear());
    afterAll(async () => {
      await queue?.close();
      await opened?.cleanup();
    });

    const finished = async (runId: string) => {
      await waitFor(
        async () =>
          ['succeeded', 'failed', 'skipped'].includes((await service.show(runId)).run.state),
        { timeoutMs: 20_000, what: `run ${runId} to end` },
      );
      return service.show(runId);
    };
    const states = (details: Awaited<ReturnType<PipelineService['show']>>) =>
      Object.fromEntries(details.tasks.map((t) => [t.task_id, [t.state, t.attempts]]));

    it('retries a failing task with backoff, then passes every upstream output on by reference', async () => {
      let failures = 2;
      behaviour.set('retry/b', async () => {
        if (failures-- > 0) throw DomainError.unavailable('the database blinked');
        return { modelVersion: 7 };
      });
      const { run } = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'retry',
      });
      const details = await finished(run.id);
      expect(details.run.state).toBe('succeeded');
      expect(states(details)).toEqual({
        a: ['succeeded', 1],
        b: ['succeeded', 3],
        c: ['succeeded', 1],
        d: ['succeeded', 1],
      });
      const c = details.tasks.find((t) => t.task_id === 'c')!;
      expect(c.log.at(-1)?.message).toBe(
        'c starts, upstream {"a":{"aId":"a-of-retry"},"b":{"modelVersion":7}}',
      );
      const b = details.tasks.find((t) => t.task_id === 'b')!;
      expect(b.log.filter((l) => /^try \d of 3 on /.test(l.message)).map((l) => l.attempt)).toEqual(
        [1, 2, 3],
      );
    });

    it('fails a task at once on a non-retryable error: all-succeeded downstream skipped, all-done runs; retry re-runs it and what follows', async () => {
      let broken = true;
      behaviour.set('fail/b', async () => {
        if (broken) throw DomainError.invalid('the suite failed: label balance 0.05');
        return { fixed: true };
      });
      const { run } = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'fail',
      });
      const failed = await finished(run.id);
      expect(failed.run.state).toBe('failed');
      expect(failed.run.summary).toBe('task b failed: the suite failed: label balance 0.05');
      expect(states(failed)).toEqual({
        a: ['succeeded', 1],
        b: ['failed', 1],
        c: ['skipped', 0],
        d: ['succeeded', 1],
      });
      expect(failed.tasks.find((t) => t.task_id === 'c')!.error).toBe('upstream task b failed');
      await expect(service.retry(run.id, { task: 'nope', actor: 'test' })).rejects.toThrow(
        /has no task "nope"/,
      );

      broken = false;
      await service.retry(run.id, { actor: 'test' });
      const retried = await finished(run.id);
      expect(retried.run.state).toBe('succeeded');
      expect(states(retried)).toEqual({
        a: ['succeeded', 1],
        b: ['succeeded', 2],
        c: ['succeeded', 1],
        d: ['succeeded', 2],
      });
      await expect(service.retry(run.id, { actor: 'test' })).rejects.toThrow(/no failed task/);
    });

    it('fails a try that outlives its timeout, and ends a run early when a task skips the run', async () => {
      const slow = definePipeline({
        name: 'slow',
        description: 'hangs',
        params: z.object({}),
        tasks: [
          {
            id: 'hang',
            description: 'never ends',
            timeoutMs: 50,
            retries: { attempts: 1 },
            run: () => new Promise(() => {}),
          },
        ],
      });
      const thin = definePipeline({
        name: 'thin',
        description: 'nothing to do',
        params: z.object({}),
        tasks: [
          {
            id: 'look',
            description: 'looks',
            run: async (ctx) => ctx.skipRun('3 new rows, fewer than 50'),
          },
          { id: 'work', description: 'never runs', dependsOn: ['look'], run: async () => {} },
        ],
      });
      // Tried by hand here: their jobs go nowhere, so the shared worker never sees them.
      const byHand: TaskQueue = { enqueue: async () => {}, jobState: async () => 'pending' };
      const other = new PipelineService(repository, byHand, [slow, thin], clock, silent);
      const hang = await other.trigger('slow', { trigger: 'manual', actor: 'test' });
      await other.runTask({ type: 'pipeline-task', runId: hang.run.id, taskId: 'hang' });
      const timedOut = await other.show(hang.run.id);
      expect([timedOut.run.state, timedOut.tasks[0].error]).toEqual([
        'failed',
        'timed out after 50 ms',
      ]);

      const skipped = await other.trigger('thin', { trigger: 'manual', actor: 'test' });
      await other.runTask({ type: 'pipeline-task', runId: skipped.run.id, taskId: 'look' });
      const ended = await other.show(skipped.run.id);
      expect([ended.run.state, ended.run.summary]).toEqual([
        'skipped',
        '3 new rows, fewer than 50',
      ]);
      expect(ended.tasks.map((t) => [t.task_id, t.state])).toEqual([
        ['look', 'skipped'],
        ['work', 'skipped'],
      ]);
    });

    it('checks parameters, and makes a run key a no-op the second time', async () => {
      for (const runKey of ['', 'nul\u0000key', 'lone\ud800'])
        await expect(
          service.trigger('toy', { trigger: 'manual', actor: 'test', runKey }),
        ).rejects.toThrow(
          /A run key must be non-empty text that must not contain NUL characters or unpaired surrogates/,
        );
      await expect(
        service.trigger('toy', { trigger: 'manual', actor: 'test', params: { size: 0 } }),
      ).rejects.toThrow(/Parameters of pipeline "toy": .*size/s);
      await expect(service.trigger('nope', { trigger: 'manual', actor: 'test' })).rejects.toThrow(
        /No pipeline "nope"; there are: toy/,
      );
      const first = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'once',
      });
      const second = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'once',
      });
      expect([first.created, second.created, second.run.id]).toEqual([true, false, first.run.id]);
      await finished(first.run.id);
    });

    it('repairs a task whose job was lost between two writes (reconcile)', async () => {
      dropNextEnqueue = true; // the first task's job never reaches the queue
      const { run } = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'lost',
      });
      expect((await service.show(run.id)).tasks[0].state).toBe('queued');
      expect(await service.reconcile()).toBeGreaterThanOrEqual(1);
      expect((await finished(run.id)).run.state).toBe('succeeded');
    });

    it('repairs a task whose job the queue gave up on before any worker claimed it: the next try gets a job of its own', async () => {
      dropNextEnqueue = true;
      const { run } = await service.trigger('toy', {
        trigger: 'manual',
        actor: 'test',
        runKey: 'given-up',
      });
      givenUp.add(`pt.${run.id}.a.1`); // its first try's job failed in the queue, unclaimed
      await service.reconcile();
      const done = await finished(run.id);
      expect(done.run.state).toBe('succeeded');
      expect(done.tasks.find((t) => t.task_id === 'a')!.attempts).toBe(2);
    });

    it('schedules: catch-up "latest" runs only the newest missed interval, "all" each in turn; overlap "skip"; backfill once', async () => {
      const schedule = (over: Partial<ScheduleSettings>): ScheduleSettings => ({
        cron: '0 6 * * *',
        timezone: 'UTC',
        catchup: 'latest',
        overlap: 'queue',
        ...over,
      });
      const runsOf = async () =>
        (await service.runs({ pipeline: 'toy', limit: 500 })).filter((r) => r.trigger !== 'manual');
      const holder = (schedules: Record<string, ScheduleSettings>) =>
        new PipelineScheduler(service, repository, schedules, {
          clock,
          leaseMs: 60_000,
          log: silent,
        });

      now = new Date('2027-03-01T12:00:00Z');
      const latest = holder({ toy: schedule({}) });
      await latest.tick(); // first sight
      now = new Date('2027-03-04T12:00:00Z'); // down for three daily intervals
      const fired = await latest.tick();
      expect(fired.fired).toHaveLength(3);
      const afterLatest = await runsOf();
      expect(afterLatest.filter((r) => r.state === 'skipped').map((r) => r.summary)).toEqual([
        expect.stringMatching(
          /missed while sdp was down; catch-up policy "latest" runs only 2027-03-03T06:00/,
        ),
        expect.stringMatching(/missed while sdp was down/),
      ]);
      await latest.stop();

      const all = holder({ toy: schedule({ catchup: 'all' }) });
      now = new Date('2027-03-07T12:00:00Z');
      expect((await all.tick()).fired).toHaveLength(3);
      await waitFor(
        async () => (await runsOf()).every((r) => ['succeeded', 'skipped'].includes(r.state)),
        { timeoutMs: 20_000 },
      );
      expect((await runsOf()).filter((r) => r.state === 'succeeded')).toHaveLength(4);
      // Backfilling the same span again adds nothing: every interval has its run.
      const again = await all.backfill('toy', new Date('2027-03-01T12:00:00Z'), now, 'test');
      expect(again).toEqual({ created: [], existing: expect.any(Array) });
      expect(again.existing).toHaveLength(6);
      await expect(all.backfill('toy', now, new Date('2027-03-01'), 'test')).rejects.toThrow(
        /--from must be before --to/,
      );
      await all.stop();

      // Overlap "skip": an interval that comes due while a run is active is recorded as skipped.
      let release!: () => void;
      const hold = new Promise<void>((resolve) => (release = resolve));
      behaviour.set('a', async () => {
        await hold;
      });
      const skip = holder({ toy: schedule({ catchup: 'all', overlap: 'skip' }) });
      now = new Date('2027-03-09T12:00:00Z');
      const overlapped = await skip.tick();
      expect(overlapped.fired).toHaveLength(2);
      const recent = (await runsOf()).filter((r) => r.run_key >= '2027-03-07');
      expect(recent.map((r) => r.summary ?? '').sort()).toEqual([
        '',
        expect.stringMatching(/was still (queued|running) \(overlap policy "skip"\)/),
      ]);
      release();
      behaviour.delete('a');
      await waitFor(
        async () => (await runsOf()).every((r) => ['succeeded', 'skipped'].includes(r.state)),
        { timeoutMs: 20_000 },
      );
      await skip.stop();
    });
  });
}
