import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/harness/backends.js';
import { pino } from 'pino';
import { loadConfig } from '../app/config.js';
import { openRuntime } from '../app/runtime.js';
import { storeSyntheticDataset } from '../data/synthetic-dataset.js';
import { tuneStudy } from './tune-study.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('seeded single-worker studies', () => {
  it('give identical trial sequences, and another seed gives another', async () => {
    const { handle, cleanup } = await databaseBackends[0].open();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-tune-seed-'));
    const base = loadConfig({ env: {}, overrides: [`dataDir=${dataDir}`] }).config;
    const deps = await openRuntime(base, {
      log: pino({ level: 'silent' }),
      database: handle,
      migrate: false,
    });
    cleanups.push(cleanup, () => deps.close());
    const stored = await storeSyntheticDataset(deps.datasets, {
      rows: 1500,
      seed: 3,
      settings: base.data,
      config: {},
    });
    const dataset = (await deps.datasets.resolve(stored.datasetId))!;

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
