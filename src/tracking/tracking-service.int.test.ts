import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseBackends } from '../../test/harness/backends.js';
import { DomainError } from '../errors.js';
import type { RunId } from './ids.js';
import {
  openTrackingFixture,
  uniqueName,
  type TrackingFixture,
} from './testing/tracking-fixture.js';

const sha256 = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe.each(databaseBackends)('TrackingService on $name', (backend) => {
  let fx: TrackingFixture;
  beforeAll(async () => {
    fx = await openTrackingFixture(backend);
  });
  afterAll(() => fx?.cleanup());

  it('starts a run with its provenance and ends it once', async () => {
    const experiment = uniqueName('exp');
    const run = await fx.tracking.startRun({
      experiment,
      name: 'baseline',
      params: { 'model.learningRate': 0.1, depth: 4 },
      config: { model: { kind: 'gbdt' } },
      datasetId: 'ds_1',
      datasetHash: 'abc',
      seed: 42,
      tags: { owner: 'ana' },
      codeVersion: '0.1.0',
    });
    expect(run).toMatchObject({
      experiment,
      name: 'baseline',
      status: 'running',
      params: { 'model.learningRate': 0.1, depth: 4 },
      config: { model: { kind: 'gbdt' } },
      datasetId: 'ds_1',
      datasetHash: 'abc',
      seed: 42,
      tags: { owner: 'ana' },
      codeVersion: '0.1.0',
      parentRunId: null,
      endedAt: null,
    });
    expect(run.id).toMatch(/^[0-9a-f]{32}$/);

    const ended = await fx.tracking.endRun(run.id, 'failed', 'out of memory');
    expect(ended).toMatchObject({ status: 'failed', error: 'out of memory' });
    expect(ended.endedAt).toBeInstanceOf(Date);
    expect(ended.endedAt!.getTime()).toBeGreaterThanOrEqual(ended.startedAt.getTime());

    const again = await rejection(fx.tracking.endRun(run.id, 'finished'));
    expect(again.kind).toBe('conflict');
    expect(again.message).toContain('already ended (failed)');
    expect((await rejection(fx.tracking.logMetric(run.id, 'auc', 0.5))).kind).toBe('conflict');
    expect((await rejection(fx.tracking.logParams(run.id, { x: 1 }))).kind).toBe('conflict');
  });

  it('gives a job at most one live run, and fails a run whose process stopped beating', async () => {
    const experiment = uniqueName('exp');
    const jobId = uniqueName('job');
    const run = await fx.tracking.startRun({ experiment, name: 'attempt 1', jobId });
    expect(await fx.tracking.runOfJob(jobId)).toEqual({
      id: run.id,
      status: 'running',
      alive: true,
    });
    // A second attempt of the same job cannot start a run of its own, however it races.
    await expect(fx.tracking.startRun({ experiment, name: 'attempt 2', jobId })).rejects.toThrow();
    expect(await fx.tracking.failOrphanedRuns()).not.toContain(run.id);

    // Its process died: no heartbeat since long before the stale limit (60 s).
    await sql`update run set heartbeat_at = now() - interval '5 minutes' where id = ${run.id}`.execute(
      fx.handle.db,
    );
    expect(await fx.tracking.runOfJob(jobId)).toMatchObject({ alive: false });
    expect(await fx.tracking.failOrphanedRuns()).toEqual([run.id]);
    expect(await fx.tracking.getRun(run.id)).toMatchObject({
      status: 'failed',
      error: 'the process running it stopped (no sign of life for 60 s)',
    });

    await fx.tracking.detachJob(run.id);
    const next = await fx.tracking.startRun({ experiment, name: 'attempt 2', jobId });
    expect(await fx.tracking.runOfJob(jobId)).toMatchObject({ id: next.id, alive: true });
    await fx.tracking.endRun(next.id, 'finished');
  });

  it('lets only one of two racing endRun calls win', async () => {
    const run = await fx.tracking.startRun({ experiment: uniqueName('exp'), name: 'race' });
    const outcomes = await Promise.allSettled([
      fx.tracking.endRun(run.id, 'finished'),
      fx.tracking.endRun(run.id, 'killed'),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('reports unknown runs as not found', async () => {
    const missing = '0'.repeat(32) as RunId;
    const error = await rejection(fx.tracking.getRun(missing));
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain(missing);
    expect((await rejection(fx.tracking.endRun(missing, 'finished'))).kind).toBe('not_found');
    expect(
      (
        await rejection(
          fx.tracking.startRun({ experiment: 'x', name: 'child', parentRunId: missing }),
        )
      ).kind,
    ).toBe('not_found');
  });

  it('merges params but refuses to change a logged value', async () => {
    const run = await fx.tracking.startRun({
      experiment: uniqueName('exp'),
      name: 'p',
      params: { a: 1 },
    });
    await fx.tracking.logParams(run.id, { b: 'two', a: 1 });
    expect((await fx.tracking.getRun(run.id)).params).toEqual({ a: 1, b: 'two' });
    const error = await rejection(fx.tracking.logParams(run.id, { a: 2 }));
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain('Param "a"');
  });

  it('keeps metric series in step order with the latest value and range per key', async () => {
    const run = await fx.tracking.startRun({ experiment: uniqueName('exp'), name: 'series' });
    // Logged out of order on purpose: the series is ordered by step, not by arrival.
    for (const step of [2, 0, 3, 1])
      await fx.tracking.logMetric(run.id, 'loss', 1 / (step + 1), step);
    await fx.tracking.logMetrics(run.id, { 'cv/auc': 0.8, 'cv/f1': 0.6 }, 0);
    await fx.tracking.logMetrics(run.id, { 'cv/auc': 0.9, 'cv/f1': 0.7 }, 1);

    const details = await fx.tracking.getRun(run.id, { series: true });
    expect(details.series!.loss.map((p) => p.step)).toEqual([0, 1, 2, 3]);
    expect(details.series!.loss.map((p) => p.value)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
    expect(details.series!['cv/auc'].map((p) => p.value)).toEqual([0.8, 0.9]);
    expect(details.metrics).toEqual([
      { key: 'cv/auc', value: 0.9, step: 1, points: 2, min: 0.8, max: 0.9, firstStep: 0 },
      { key: 'cv/f1', value: 0.7, step: 1, points: 2, min: 0.6, max: 0.7, firstStep: 0 },
      { key: 'loss', value: 0.25, step: 3, points: 4, min: 0.25, max: 1, firstStep: 0 },
    ]);
    expect((await fx.tracking.getRun(run.id)).series).toBeUndefined();
    expect((await fx.tracking.getMetricSeries(run.id, 'cv/f1')).map((p) => p.value)).toEqual([
      0.6, 0.7,
    ]);
  });

  it('rejects metrics that are not finite numbers or have bad steps', async () => {
    const run = await fx.tracking.startRun({ experiment: uniqueName('exp'), name: 'bad' });
    expect((await rejection(fx.tracking.logMetric(run.id, 'loss', Number.NaN))).kind).toBe(
      'invalid',
    );
    expect((await rejection(fx.tracking.logMetric(run.id, 'loss', 1, -1))).kind).toBe('invalid');
    expect((await rejection(fx.tracking.logMetric(run.id, 'bad\nkey', 1))).kind).toBe('invalid');
    expect((await fx.tracking.getRun(run.id)).metrics).toEqual([]);
  });

  it('stores artifacts in the object store and reads them back verified', async () => {
    const run = await fx.tracking.startRun({ experiment: uniqueName('exp'), name: 'art' });
    const body = JSON.stringify({ kind: 'pipeline', weights: [1, 2, 3] });
    const artifact = await fx.tracking.logArtifact(
      run.id,
      'model/pipeline.json',
      body,
      'application/json',
    );
    expect(artifact).toMatchObject({
      path: 'model/pipeline.json',
      blobKey: `runs/${run.id}/model/pipeline.json`,
      sha256: sha256(body),
      size: Buffer.byteLength(body),
      contentType: 'application/json',
    });
    expect((await fx.blobs.getBuffer(artifact.blobKey)).toString()).toBe(body);

    const read = await fx.tracking.getArtifact(run.id, 'model/pipeline.json');
    expect(read.body.toString()).toBe(body);
    expect((await fx.tracking.getRun(run.id)).artifacts.map((a) => a.path)).toEqual([
      'model/pipeline.json',
    ]);

    // Logging the path again replaces bytes and record.
    await fx.tracking.logArtifact(run.id, 'model/pipeline.json', 'v2', 'application/json');
    expect((await fx.tracking.getArtifact(run.id, 'model/pipeline.json')).artifact.sha256).toBe(
      sha256('v2'),
    );

    const missing = await rejection(fx.tracking.getArtifact(run.id, 'nope.bin'));
    expect(missing.kind).toBe('not_found');
    expect(missing.message).toContain('"model/pipeline.json"');
    expect((await rejection(fx.tracking.logArtifact(run.id, '../escape', 'x'))).kind).toBe(
      'invalid',
    );

    // Bytes changed behind the tracker's back are detected on read.
    await fx.blobs.put(artifact.blobKey, 'tampered');
    const corrupt = await rejection(fx.tracking.getArtifact(run.id, 'model/pipeline.json'));
    expect(corrupt.message).toContain('corrupt');
  });

  it('lists runs newest first, filtered by experiment, status and parent', async () => {
    const experiment = uniqueName('exp');
    const parent = await fx.tracking.startRun({ experiment, name: 'study' });
    const trials = [];
    for (let i = 0; i < 3; i++) {
      trials.push(
        await fx.tracking.startRun({ experiment, name: `trial-${i}`, parentRunId: parent.id }),
      );
    }
    await fx.tracking.endRun(trials[0].id, 'finished');

    const all = await fx.tracking.listRuns({ experiment });
    expect(all).toHaveLength(4);
    const times = all.map((run) => run.startedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(
      (await fx.tracking.listRuns({ experiment, status: 'finished' })).map((r) => r.id),
    ).toEqual([trials[0].id]);
    expect(
      (await fx.tracking.listRuns({ parentRunId: parent.id })).map((r) => r.name).sort(),
    ).toEqual(['trial-0', 'trial-1', 'trial-2']);
    expect(await fx.tracking.listRuns({ experiment, limit: 2 })).toHaveLength(2);
    expect(await fx.tracking.listRuns({ experiment: uniqueName('none') })).toEqual([]);
  });

  it('compares runs side by side and marks what differs', async () => {
    const experiment = uniqueName('exp');
    const a = await fx.tracking.startRun({
      experiment,
      name: 'a',
      params: { depth: 3, lr: 0.1, only: 'a' },
    });
    const b = await fx.tracking.startRun({ experiment, name: 'b', params: { depth: 5, lr: 0.1 } });
    await fx.tracking.logMetrics(a.id, { auc: 0.8, f1: 0.5 });
    await fx.tracking.logMetrics(b.id, { auc: 0.85, f1: 0.5 });

    const comparison = await fx.tracking.compareRuns([b.id, a.id]);
    expect(comparison.runs.map((run) => run.name)).toEqual(['b', 'a']);
    expect(comparison.params).toEqual([
      { key: 'depth', values: [5, 3], differs: true },
      { key: 'lr', values: [0.1, 0.1], differs: false },
      { key: 'only', values: [null, 'a'], differs: true },
    ]);
    expect(comparison.metrics).toEqual([
      { key: 'auc', values: [0.85, 0.8], differs: true },
      { key: 'f1', values: [0.5, 0.5], differs: false },
    ]);
    const missing = await rejection(fx.tracking.compareRuns([a.id, 'f'.repeat(32)]));
    expect(missing.kind).toBe('not_found');
    expect(missing.message).toContain('f'.repeat(32));
  });

  it('creates each experiment once, also under concurrency', async () => {
    const name = uniqueName('exp');
    const experiments = await Promise.all(
      Array.from({ length: 4 }, () => fx.tracking.getOrCreateExperiment(name)),
    );
    expect(new Set(experiments.map((e) => e.id)).size).toBe(1);
    expect((await rejection(fx.tracking.getOrCreateExperiment(' padded'))).kind).toBe('invalid');
  });
});
