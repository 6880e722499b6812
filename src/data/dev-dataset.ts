import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the development split of the Kaggle file lives, relative to the repository root. */
const DEFAULT_RELATIVE_PATH = '../shared/data/student-depression/dev.csv';

export interface DevDatasetLocation {
  path: string;
  exists: boolean;
}

/**
 * The development CSV the benchmarks use: `$SDP_DATASET` if set, else
 * `../shared/data/student-depression/dev.csv` beside the repository. The file is never copied
 * into the repository, so callers must cope with `exists: false`. (Tests read `$SDP_DATASET`
 * only, through test/harness/dataset.ts, so that whether they run is the environment's choice.)
 */
export function devDatasetLocation(env: NodeJS.ProcessEnv = process.env): DevDatasetLocation {
  // Two levels up from src/data/ (or dist/data/) is the repository root.
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const path = env.SDP_DATASET || resolve(repoRoot, DEFAULT_RELATIVE_PATH);
  return { path, exists: existsSync(path) };
}
