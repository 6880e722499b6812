import { z } from 'zod';
import { FEATURE_NAMES, type FeatureName } from '../data/record.js';
import { parseDuration } from '../serving/duration.js';
import { DRIFT_TESTS } from './drift-report.js';

const isDuration = (text: string) => {
  try {
    return parseDuration(text) > 0;
  } catch {
    return false;
  }
};

export const monitoringSettingsSchema = z.strictObject({
  drift: z.strictObject({
    /** Family-wise level of the p-value tests (Holm-adjusted across features). */
    alpha: z.number().gt(0).lt(0.5),
    /** Above this distance (normed Wasserstein, Jensen–Shannon) a feature has drifted. */
    distanceThreshold: z.number().gt(0),
    /** Windows with more rows than this are judged by distances instead of tests. */
    largeSample: z.number().int().min(30),
    /** Dataset drift when at least this share of the features drifted. */
    datasetDriftShare: z.number().gt(0).max(1),
    /** PSI of the predicted score above which the score drifted. */
    psiThreshold: z.number().gt(0),
    /**
     * Per feature, a test (`ks`, `chi2`) or a distance (`wasserstein`, `jensen-shannon`) instead of
     * the choice by sample size; the feature's type picks which test or which distance.
     */
    tests: z.partialRecord(
      z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]]),
      z.enum(DRIFT_TESTS),
    ),
    /** The current window when none is given, e.g. `7d`. */
    window: z.string().refine(isDuration, 'a duration like 24h or 7d'),
    /** Predictions read per report at most (the newest). */
    maxRows: z.number().int().min(100),
  }),
  /** Continuous evaluation against the labels that arrived (`sdp quality`). */
  quality: z.strictObject({
    /** The window when none is given, e.g. `30d`. */
    window: z.string().refine(isDuration, 'a duration like 7d or 30d'),
    /** Labelled predictions read per report at most. */
    maxRows: z.number().int().min(100),
  }),
});
export type MonitoringSettings = z.infer<typeof monitoringSettingsSchema>;
