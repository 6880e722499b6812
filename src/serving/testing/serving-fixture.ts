import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../app/config.js';
import { openRuntime, type Runtime } from '../../app/runtime.js';
import { storeDataset } from '../../data/ingest.js';
import type { LabelledRespondent } from '../../data/record.js';
import { generateSynthetic } from '../../data/synth.js';
import type { DatabaseBackend } from '../../../test/harness/backends.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { trainModel } from '../../training/train-model.js';

export const MODEL = 'student-depression';

export interface ServingFixture {
  config: Config;
  /** Where blobs and artifacts live: pass `dataDir=` this to CLI commands. */
  dataDir: string;
  database: DatabaseHandle;
  /** The runtime over that database, as `sdp start` builds it (prediction service not started). */
  runtime: Runtime;
  /** Version 1 (champion): logistic regression on real labels. */
  good: number;
  /** Version 2: the same model trained on shuffled labels — deliberately worse. */
  bad: number;
  /** Labelled respondents the models never saw, to send as traffic. */
  traffic: LabelledRespondent[];
  cleanup(): Promise<void>;
}

/**
 * A database and object store with two real versions of the served model: a good champion
 * and a challenger trained on shuffled labels (no signal, so clearly worse), trained on small
 * synthetic datasets so a test file stays fast.
 */
export async function openServingFixture(
  backend: DatabaseBackend,
  overrides: string[] = [],
): Promise<ServingFixture> {
  const { handle, cleanup } = await backend.open();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-serving-'));
  const config = loadConfig({
    env: {},
    overrides: [
      `dataDir=${dataDir}`,
      'model=logistic',
      'model.parallelism=1',
      'train.folds=2',
      ...overrides,
    ],
  }).config;
  const runtime = await openRuntime(config, {
    log: pino({ level: 'silent' }),
    database: handle,
    migrate: false,
  });

  const labelled = [...generateSynthetic({ rows: 2000, seed: 21 })];
  const shuffledLabels = labelled.map((row) => row.depression);
  let seed = 7;
  for (let i = shuffledLabels.length - 1; i > 0; i--) {
    seed = (seed * 16807) % 2147483647;
    const j = seed % (i + 1);
    [shuffledLabels[i], shuffledLabels[j]] = [shuffledLabels[j], shuffledLabels[i]];
  }
  const versions: number[] = [];
  for (const [name, rows] of [
    ['good', labelled],
    ['shuffled-labels', labelled.map((row, i) => ({ ...row, depression: shuffledLabels[i] }))],
  ] as const) {
    const stored = await storeDataset(
      runtime.datasets,
      {
        name,
        source: `test:${name}`,
        synthetic: true,
        fileSha256: null,
        rows: (async function* () {
          for (const [i, record] of rows.entries())
            yield { ok: true as const, line: i + 2, sourceId: String(i + 1), record };
        })(),
      },
      { settings: config.data, config: {}, force: true },
    );
    const dataset = (await runtime.datasets.resolve(stored.datasetId))!;
    const result = await trainModel(runtime, { dataset, config, codeVersion: 'sdp@test' });
    versions.push(result.version!);
  }
  return {
    config,
    dataDir,
    database: handle,
    runtime,
    good: versions[0],
    bad: versions[1],
    traffic: [...generateSynthetic({ rows: 3000, seed: 99 })],
    cleanup: async () => {
      await runtime.close();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
