import { existsSync } from 'node:fs';

declare module 'vitest' {
  interface TaskMeta {
    /**
     * Why a test does not run here, set on suites that cannot run on this machine (see
     * `needsDataset`); the summary reporter prints it, so no tier is skipped silently.
     */
    skipReason?: string;
  }
}

/** What the run prints when the real dataset is missing: the reason and the fix. */
export const NO_DATASET_REASON =
  'SDP_DATASET is not set — set it to the Kaggle CSV (CI: ../shared/data/student-depression/dev.csv)';

/**
 * The real Kaggle file the data tier (and a few other tests) read: `$SDP_DATASET` and nothing
 * else, so that whether they run is decided by the environment alone, never by a file that
 * happens to lie beside the checkout. Set to a path that does not exist, it is a mistake, not
 * a reason to skip: every file that imports this fails and says so.
 */
export const datasetPath: string | undefined = (() => {
  const value = process.env.SDP_DATASET;
  if (!value) return undefined;
  if (!existsSync(value)) {
    throw new Error(
      `SDP_DATASET=${value} does not exist: point it at the Kaggle CSV, or unset it to skip the tests that need it.`,
    );
  }
  return value;
})();

/**
 * Options for a `describe` whose tests need the real dataset: skipped without it, with
 * `NO_DATASET_REASON` attached for the summary reporter.
 * @example describe('the development file', needsDataset, () => { … datasetFile() … })
 */
export const needsDataset = {
  skip: datasetPath === undefined,
  meta: datasetPath === undefined ? { skipReason: NO_DATASET_REASON } : {},
};

/** The dataset's path, inside a test or hook that `needsDataset` guards. */
export function datasetFile(): string {
  if (datasetPath === undefined) throw new Error(NO_DATASET_REASON);
  return datasetPath;
}
