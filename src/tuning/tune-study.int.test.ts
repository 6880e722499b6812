import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { createServices } from '../app/services.js';
import { loadConfig } from '../config/load.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { createBlobStore } from '../platform/blobs/create-blob-store.js';
import { StudyRepository } from './study-repository.js';
import { tuneStudy } from './tune-study.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('seeded single-worker studies', () => {
  it('give identical trial sequences, and another seed gives another', async () => {
    const { handle, cleanup } = await databaseBackends[0].open();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-tune-seed-'));
    const blobs = createBlobStore({
      blobs: { url: 'file', s3: { endpoint: '', region: 'x', forcePathStyle: false } },
      dataDir,
    });
    cleanups.push(cleanup, () => blobs.close());
    const services = createServices(handle.db, blobs);
    const deps = { ...services, studies: new StudyRepository(handle.db) };
    const base = loadConfig({ env: {} }).config;
    const stored = await storeSyntheticDataset(services.datasets, {
      rows: 1500,
      seed: 3,
      settings: base.data,
      config: {},
    });
    const dataset = (await services.datasets.resolve(stored.datasetId))!;

    const sequence = async (study: string, seed: number) => {
      const { config } = loadConfig({
        env: {},
        overrides: [
          'model=logistic',
          'tune.trials=8',
          'tune.parallelism=1',
          `tune.seed=${seed}`,
          'tune.register=false',
        ],
      });
      const summary = await tuneStudy(deps, { config, dataset, study, codeVersion: 'sdp@test' });
      expect(summary.trials.complete + summary.trials.pruned).toBe(8);
      return summary.table.map((trial) => [trial.number, trial.state, trial.params, trial.value]);
    };

    const first = await sequence('seed-a', 7);
    const second = await sequence('seed-b', 7);
    const other = await sequence('seed-c', 8);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  }, 120_000);
});
