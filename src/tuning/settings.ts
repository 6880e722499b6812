import { z } from 'zod';
import type { ModelSettings } from '../ml/settings.js';
import type { TrainSettings } from '../training/settings.js';
import { searchSpacesSchema } from './search-space.js';

/** Objectives a study can optimise: cross-validated metrics, with their direction. */
export const TUNE_METRICS = {
  rocAuc: 'maximize',
  averagePrecision: 'maximize',
  logLoss: 'minimize',
  brier: 'minimize',
} as const;
export type TuneMetric = keyof typeof TUNE_METRICS;
export type Direction = (typeof TUNE_METRICS)[TuneMetric];

/** TPE settings; defaults are Optuna's (TPESampler in Optuna 3.x). */
const tpe = z.strictObject({
  /** Trials sampled at random before TPE takes over. */
  startupTrials: z.number().int().min(0),
  /** Candidates drawn from l(x) per parameter; the one with the best l(x)/g(x) wins. */
  candidates: z.number().int().min(1).max(10_000),
  /** The "good" group is the best ceil(gamma · n) trials, at most gammaMax. */
  gamma: z.number().gt(0).lt(1),
  gammaMax: z.number().int().min(1),
  /** Weight of the prior (one wide kernel) against each observation's kernel. */
  priorWeight: z.number().gt(0),
  /** Running trials of other workers count as bad trials (constant liar), so parallel asks spread out. */
  constantLiar: z.boolean(),
});

/** Median pruner settings; defaults are Optuna's MedianPruner. */
const median = z.strictObject({
  /** No pruning until this many trials have completed. */
  startupTrials: z.number().int().min(0),
  /** No pruning before this step (steps are CV folds: 0, 1, …). */
  warmupSteps: z.number().int().min(0),
  /** Other trials that must have reported the step before it is judged. */
  minTrials: z.number().int().min(1),
});

/**
 * The `tune` section (config/tune/*.yaml): what `sdp tune` searches and how. Trials run
 * `folds`-fold stratified CV on the training split (`train.testFraction`, `train.seed`).
 */
export const tuneSettingsSchema = z.strictObject({
  trials: z.number().int().min(1).max(100_000),
  sampler: z.enum(['tpe', 'random']),
  pruner: z.enum(['median', 'none']),
  /** Trials at once in this process (each on its own worker thread; 1 runs in this thread). */
  parallelism: z.number().int().min(1).max(64),
  /** Seeds the samplers; a single-worker study with a seed gives the same trials every time. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .nullable(),
  folds: z.number().int().min(2).max(20),
  metric: z.enum(Object.keys(TUNE_METRICS) as [TuneMetric, ...TuneMetric[]]),
  /** Study name; null: `<model>-<date>` (pass `--study NAME` to resume or share a study). */
  study: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, . _ - (at most 100)')
    .nullable(),
  tpe,
  median,
  heartbeat: z
    .strictObject({
      /** How often a worker marks its running trials alive. */
      intervalMs: z.number().int().min(50),
      /** A running trial not heard of for this long is marked failed (its worker died). */
      timeoutMs: z.number().int().min(100),
    })
    .refine((h) => h.timeoutMs > 2 * h.intervalMs, {
      message: 'timeoutMs must exceed twice intervalMs, or live trials expire',
    }),
  /** Refit the best trial on the whole training split and register it as a candidate version. */
  register: z.boolean(),
  space: searchSpacesSchema,
});
export type TuneSettings = z.output<typeof tuneSettingsSchema>;

/** The configuration sections tuning reads: the base model, the split, the search. */
export interface TuneConfig {
  model: ModelSettings;
  train: TrainSettings;
  tune: TuneSettings;
}
