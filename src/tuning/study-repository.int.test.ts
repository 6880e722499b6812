import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { createTestDatabase } from '../../test/harness/context.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { StudyRepository } from './study-repository.js';

let serial = 0;
async function newStudy(repository: StudyRepository, targetTrials: number) {
  const name = `s${++serial}`;
  const { study } = await repository.createOrGet({
    id: `study_${name}_${Date.now()}`,
    name,
    datasetId: 'ds',
    model: 'gbdt',
    metric: 'rocAuc',
    direction: 'maximize',
    definition: {},
    targetTrials,
  });
  return study;
}

/** A worker loop as `runTrials` drives the repository: ask, "evaluate", finish. */
async function work(
  repository: StudyRepository,
  studyId: string,
  worker: string,
): Promise<number[]> {
  const mine: number[] = [];
  for (;;) {
    const allocation = await repository.allocateTrial(
      studyId,
      worker,
      60_000,
      (history, number) => ({
        x: number,
        seen: history.length,
      }),
    );
    if (allocation.kind === 'done') return mine;
    if (allocation.kind === 'wait') {
      await sleep(5);
      continue;
    }
    mine.push(allocation.number);
    await repository.reportStep(studyId, allocation.number, 0, Math.random());
    const stored = await repository.finishTrial(studyId, allocation.number, worker, {
      state: 'complete',
      value: allocation.number,
    });
    expect(stored).toBe(true);
  }
}

describe.each(databaseBackends)('study repository on $name', (backend) => {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let repository: StudyRepository;
  beforeAll(async () => {
    ({ handle, cleanup } = await backend.open());
    repository = new StudyRepository(handle.db);
  });
  afterAll(() => cleanup());

  it('numbers trials 0..N-1 and stops at the budget', async () => {
    const study = await newStudy(repository, 5);
    expect(await work(repository, study.id, 'w1')).toEqual([0, 1, 2, 3, 4]);
    expect(await repository.counts(study.id)).toEqual({
      running: 0,
      complete: 5,
      pruned: 0,
      failed: 0,
    });
  });

  it('marks a trial whose worker stopped beating failed, and ignores its late result', async () => {
    // A timeout no run comes near, and the silence made by moving the last heartbeat into
    // the past: a slow machine can neither expire the trial early nor keep it alive.
    const TIMEOUT_MS = 60_000;
    const study = await newStudy(repository, 2);
    const first = await repository.allocateTrial(study.id, 'dead', TIMEOUT_MS, () => ({}));
    expect(first).toMatchObject({ kind: 'trial', number: 0 });
    await repository.heartbeat('dead'); // alive for now…
    expect(await repository.allocateTrial(study.id, 'live', TIMEOUT_MS, () => ({}))).toMatchObject({
      number: 1,
    });
    await repository.finishTrial(study.id, 1, 'live', { state: 'complete', value: 1 });
    expect(await repository.allocateTrial(study.id, 'live', TIMEOUT_MS, () => ({}))).toEqual({
      kind: 'wait',
    });
    // …then silent past the timeout.
    await handle.db
      .updateTable('tuning_trial')
      .set({ heartbeat_at: sql<Date>`now() - (${2 * TIMEOUT_MS} * interval '1 millisecond')` })
      .where('study_id', '=', study.id)
      .where('worker', '=', 'dead')
      .execute();
    expect(await repository.allocateTrial(study.id, 'live', TIMEOUT_MS, () => ({}))).toMatchObject({
      number: 2,
    });
    const trials = await repository.trials(study.id);
    expect(trials[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/heartbeat/) });
    expect(await repository.finishTrial(study.id, 0, 'dead', { state: 'complete', value: 9 })).toBe(
      false,
    );
    expect((await repository.trials(study.id))[0].state).toBe('failed');
  });

  it('lets exactly one worker finalize a study', async () => {
    const study = await newStudy(repository, 1);
    expect(await repository.claimFinalization(study.id, 'a', 60_000)).toBe(true);
    expect(await repository.claimFinalization(study.id, 'b', 60_000)).toBe(false);
    await repository.completeStudy(study.id, 'a', {
      bestTrial: 0,
      modelName: 'm',
      modelVersion: 2,
      note: null,
    });
    expect(await repository.claimFinalization(study.id, 'b', 60_000)).toBe(false);
  });
});

describe('study repository under concurrency on PostgreSQL', () => {
  const pools: DatabaseHandle[] = [];
  afterAll(async () => {
    for (const pool of pools) await pool.close();
  });

  it('gives four workers on separate pools unique, gap-free trial numbers 0..59 without deadlocks', async () => {
    const url = await createTestDatabase();
    // Each worker its own pool, as separate processes would have.
    for (let i = 0; i < 4; i++) pools.push(await openDatabase({ url, poolSize: 3 }, '.'));
    await migrateToLatest(pools[0].db);
    const study = await newStudy(new StudyRepository(pools[0].db), 60);
    const results = await Promise.all(
      pools.map((pool, i) => work(new StudyRepository(pool.db), study.id, `w${i}`)),
    );
    const numbers = results.flat().sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(results.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
    const trials = await new StudyRepository(pools[0].db).trials(study.id);
    expect(trials.map((t) => t.state)).toEqual(new Array(60).fill('complete'));
    // Each ask saw every trial numbered before it: it sampled while holding the study lock.
    expect(trials.map((t) => t.params.seen)).toEqual(trials.map((t) => t.number));
  });
});
