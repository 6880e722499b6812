import { z } from 'zod';

const positiveMs = z.number().int().positive();

/**
 * The `serving` section of the configuration: which model is served, how the prediction log
 * buffers, and the thresholds and minimum sample sizes of the automated rollout analysis.
 */
export const servingSettingsSchema = z.strictObject({
  /** The registered model whose `champion` (and, in a rollout, `challenger`) is served. */
  model: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
  /** How often aliases and the active rollout are re-read; alias changes apply within this. */
  refreshIntervalMs: positiveMs,
  /** Records per POST /v1/predict/batch request. */
  maxBatchSize: z.number().int().min(1).max(10_000),
  /** Features listed per prediction, largest |contribution| first. */
  topContributions: z.number().int().min(0).max(50),
  /** The header that carries a caller's request key (canary stickiness, feedback joins). */
  requestKeyHeader: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
    .min(1),
  log: z.strictObject({
    enabled: z.boolean(),
    /** Entries held in memory at most; beyond it new entries are dropped and counted. */
    bufferSize: z.number().int().min(1),
    /** Entries written per database statement. */
    batchSize: z.number().int().min(1).max(50_000),
    flushIntervalMs: positiveMs,
  }),
  rollout: z.strictObject({
    /** How often the analysis checks whether a step's interval has passed. */
    checkIntervalMs: positiveMs,
    /** Canary weights in percent when `sdp rollout start` gives none. */
    defaultSteps: z.array(z.number().gt(0).max(100)).min(1),
    /** Time per step when `--interval` is not given, e.g. `10m`. */
    defaultInterval: z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 90s, 10m or 1h'),
    /** Shadow rollouts: the share of requests the challenger scores as well. */
    shadowSampleRate: z.number().gt(0).max(1),
    /** Challenger predictions a step needs before it can be judged at all. */
    minSamples: z.number().int().min(1),
    /** Labelled predictions (both arms) needed before ROC-AUC and accuracy are compared. */
    minLabelled: z.number().int().min(2),
    /** …with at least this many of each class. */
    minPerClass: z.number().int().min(1),
    /** Significance level of the paired tests (DeLong for ROC-AUC, McNemar for accuracy). */
    alpha: z.number().gt(0).lt(1),
    maxAucDrop: z.number().min(0).max(1),
    maxAccuracyDrop: z.number().min(0).max(1),
    /** Challenger error rate minus champion error rate. */
    maxErrorRateIncrease: z.number().min(0).max(1),
    /** Challenger p99 scoring latency may be this many times the champion's… */
    maxP99LatencyRatio: z.number().min(1),
    /** …or this many milliseconds above it, whichever is larger (sub-ms p99s are noise). */
    p99LatencySlackMs: z.number().min(0),
    /** Share of requests on which the two versions give different labels. */
    maxDisagreement: z.number().min(0).max(1),
    /** Population stability index between the two versions' score distributions. */
    maxScorePsi: z.number().min(0),
    /** Promotion at the last step needs the label comparison, not only the safety checks. */
    requireLabelsToPromote: z.boolean(),
  }),
});

export type ServingSettings = z.infer<typeof servingSettingsSchema>;
