import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { DomainError } from '../errors.js';
import type { RunId } from './ids.js';
import type { RegisterVersionInput } from './registry-service.js';
import {
  openTrackingFixture,
  uniqueName,
  type TrackingFixture,
} from './testing/tracking-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe.each(databaseBackends)('RegistryService on $name', (backend) => {
  let fx: TrackingFixture;
  let candidate: Omit<RegisterVersionInput, 'model'>;
  const who = { actor: 'ana', reason: 'better AUC on holdout' };

  beforeAll(async () => {
    fx = await openTrackingFixture(backend);
    const run = await fx.tracking.startRun({
      experiment: uniqueName('exp'),
      name: 'train',
      datasetId: 'ds_1',
    });
    const artifact = await fx.tracking.logArtifact(
      run.id,
      'pipeline.json',
      '{"fitted":true}',
      'application/json',
    );
    await fx.tracking.endRun(run.id, 'finished');
    candidate = {
      runId: run.id,
      artifactKey: artifact.blobKey,
      artifactSha256: artifact.sha256,
      signature: { inputs: [{ name: 'age', type: 'number' }] },
      metrics: { auc: 0.9 },
      datasetId: 'ds_1',
    };
  });
  afterAll(() => fx?.cleanup());

  async function modelWithVersions(count: number): Promise<string> {
    const model = uniqueName('m');
    for (let i = 0; i < count; i++) await fx.registry.registerVersion({ ...candidate, model });
    return model;
  }

  it('numbers versions from 1 and makes the first one champion, audited as system', async () => {
    const model = uniqueName('m');
    const first = await fx.registry.registerVersion({
      ...candidate,
      model,
      description: 'baseline',
    });
    expect(first).toMatchObject({
      model,
      version: 1,
      ref: `${model}/1`,
      runId: candidate.runId,
      metrics: { auc: 0.9 },
      signature: candidate.signature,
      datasetId: 'ds_1',
      description: 'baseline',
      aliases: ['champion'],
    });
    const second = await fx.registry.registerVersion({ ...candidate, model });
    expect(second.version).toBe(2);
    expect(second.aliases).toEqual([]);

    const history = await fx.registry.aliasHistory(model);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      alias: 'champion',
      fromVersion: null,
      toVersion: 1,
      actor: 'system',
      reason: 'first version',
    });

    const details = await fx.registry.getModel(model);
    expect(details).toMatchObject({
      name: model,
      versionCount: 2,
      latestVersion: 2,
      aliases: { champion: 1 },
    });
    expect(details.versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await fx.registry.listModels()).find((m) => m.name === model)).toMatchObject({
      versionCount: 2,
    });
  });

  it('gives concurrent registrations distinct consecutive numbers and one champion', async () => {
    const model = uniqueName('m');
    const versions = await Promise.all(
      Array.from({ length: 5 }, () => fx.registry.registerVersion({ ...candidate, model })),
    );
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5]);
    const history = await fx.registry.aliasHistory(model);
    expect(history).toEqual([
      expect.objectContaining({ alias: 'champion', toVersion: 1, actor: 'system' }),
    ]);
  });

  it('refuses versions whose run or artifact is missing, failed or different', async () => {
    const model = uniqueName('m');
    const noRun = await rejection(
      fx.registry.registerVersion({ ...candidate, model, runId: 'a'.repeat(32) as RunId }),
    );
    expect(noRun.kind).toBe('not_found');
    const noBlob = await rejection(
      fx.registry.registerVersion({ ...candidate, model, artifactKey: 'runs/none/x.json' }),
    );
    expect(noBlob.message).toContain('No artifact "runs/none/x.json"');
    const wrongHash = await rejection(
      fx.registry.registerVersion({ ...candidate, model, artifactSha256: 'b'.repeat(64) }),
    );
    expect(wrongHash.kind).toBe('conflict');
    const failed = await fx.tracking.startRun({ experiment: uniqueName('exp'), name: 'broken' });
    await fx.tracking.endRun(failed.id, 'failed', 'diverged');
    expect(
      (await rejection(fx.registry.registerVersion({ ...candidate, model, runId: failed.id })))
        .kind,
    ).toBe('conflict');
    expect(
      (await rejection(fx.registry.registerVersion({ ...candidate, model: 'bad/name' }))).kind,
    ).toBe('invalid');
    // Nothing half-registered: the model never came into being.
    expect((await rejection(fx.registry.getModel(model))).kind).toBe('not_found');
  });

  it('moves champion, keeps the replaced one as previous, and audits both', async () => {
    const model = await modelWithVersions(3);
    const change = await fx.registry.setAlias(model, 'champion', 3, who);
    expect(change).toMatchObject({
      alias: 'champion',
      fromVersion: 1,
      toVersion: 3,
      changed: true,
    });
    expect(change.events.map((e) => [e.alias, e.fromVersion, e.toVersion])).toEqual([
      ['previous', null, 1],
      ['champion', 1, 3],
    ]);
    expect((await fx.registry.getModel(model)).aliases).toEqual({ champion: 3, previous: 1 });

    // Rolling back swaps them.
    await fx.registry.setAlias(model, 'champion', 1, { actor: 'bo', reason: 'latency regression' });
    expect((await fx.registry.getModel(model)).aliases).toEqual({ champion: 1, previous: 3 });

    const history = await fx.registry.aliasHistory(model);
    expect(history.map((e) => [e.alias, e.fromVersion, e.toVersion, e.actor])).toEqual([
      ['champion', 3, 1, 'bo'],
      ['previous', 1, 3, 'bo'],
      ['champion', 1, 3, 'ana'],
      ['previous', null, 1, 'ana'],
      ['champion', null, 1, 'system'],
    ]);
    expect(history[0].reason).toBe('latency regression');
    expect(history[1].reason).toContain('latency regression');
  });

  it('sets other aliases without touching previous, and a no-op change writes nothing', async () => {
    const model = await modelWithVersions(2);
    await fx.registry.setAlias(model, 'challenger', 2, who);
    const same = await fx.registry.setAlias(model, 'challenger', 2, who);
    expect(same).toMatchObject({ changed: false, events: [] });
    expect((await fx.registry.getModel(model)).aliases).toEqual({ champion: 1, challenger: 2 });
    expect(await fx.registry.aliasHistory(model)).toHaveLength(2);
    expect((await fx.registry.getVersion(model, 2)).aliases).toEqual(['challenger']);
  });

  it('validates alias changes and deletes aliases with an audit record', async () => {
    const model = await modelWithVersions(2);
    expect((await rejection(fx.registry.setAlias(model, 'Champion', 2, who))).kind).toBe('invalid');
    expect(
      (
        await rejection(
          fx.registry.setAlias(model, 'challenger', 2, { actor: 'ana', reason: '  ' }),
        )
      ).message,
    ).toContain('reason');
    const noVersion = await rejection(fx.registry.setAlias(model, 'challenger', 9, who));
    expect(noVersion.kind).toBe('not_found');
    expect(noVersion.message).toContain('versions: 1–2');
    const noModel = await rejection(fx.registry.setAlias(uniqueName('none'), 'challenger', 1, who));
    expect(noModel.message).toContain(`"${model}"`);

    await fx.registry.setAlias(model, 'challenger', 2, who);
    const deleted = await fx.registry.deleteAlias(model, 'challenger', {
      actor: 'ana',
      reason: 'experiment over',
    });
    expect(deleted).toMatchObject({ fromVersion: 2, toVersion: null, changed: true });
    expect((await fx.registry.getModel(model)).aliases).toEqual({ champion: 1 });
    expect((await fx.registry.aliasHistory(model))[0]).toMatchObject({
      alias: 'challenger',
      fromVersion: 2,
      toVersion: null,
    });
    expect((await rejection(fx.registry.deleteAlias(model, 'champion', who))).kind).toBe(
      'conflict',
    );
    expect((await rejection(fx.registry.deleteAlias(model, 'challenger', who))).message).toContain(
      'aliases: champion → 1',
    );
  });

  it('resolves name, name@alias and name/N, with errors naming what exists', async () => {
    const model = await modelWithVersions(3);
    await fx.registry.setAlias(model, 'challenger', 2, who);
    expect((await fx.registry.resolveVersion(model)).version).toBe(1);
    expect((await fx.registry.resolveVersion(`${model}@champion`)).version).toBe(1);
    expect((await fx.registry.resolveVersion(`${model}@challenger`)).version).toBe(2);
    expect((await fx.registry.resolveVersion(`${model}/3`)).ref).toBe(`${model}/3`);

    const noAlias = await rejection(fx.registry.resolveVersion(`${model}@shadow`));
    expect(noAlias.kind).toBe('not_found');
    expect(noAlias.message).toBe(
      `Model "${model}" has no alias "shadow"; aliases: challenger → 2, champion → 1`,
    );
    expect((await rejection(fx.registry.resolveVersion(`${model}/7`))).message).toBe(
      `Model "${model}" has no version 7; versions: 1–3`,
    );
    const noModel = await rejection(fx.registry.resolveVersion('nobody-here'));
    expect(noModel.message).toMatch(/^No model "nobody-here"; models: /);
    expect(noModel.message).toContain(`"${model}"`);
    expect((await rejection(fx.registry.resolveVersion(`${model}/0`))).kind).toBe('invalid');
    expect((await rejection(fx.registry.resolveVersion(`${model}@`))).kind).toBe('invalid');
  });

  it('serialises concurrent champion moves so the audit log stays a chain', async () => {
    const model = await modelWithVersions(4);
    await Promise.all([2, 3, 4].map((v) => fx.registry.setAlias(model, 'champion', v, who)));
    const champions = (await fx.registry.aliasHistory(model))
      .filter((e) => e.alias === 'champion')
      .reverse();
    // Each move starts where the one before ended: no lost update.
    for (let i = 1; i < champions.length; i++)
      expect(champions[i].fromVersion).toBe(champions[i - 1].toVersion);
    expect((await fx.registry.getModel(model)).aliases.champion).toBe(champions.at(-1)!.toVersion);
  });
});
