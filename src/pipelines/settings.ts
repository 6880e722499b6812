import { z } from 'zod';

const scheduleSchema = z.strictObject({
  /** Five-field cron expression; `null` = triggered only by hand (or an alarm). */
  cron: z.string().min(1).nullable(),
  /** IANA time zone the cron expression is read in. */
  timezone: z.string().min(1),
  /**
   * After downtime: `all` runs every missed interval, oldest first; `latest` only the newest
   * (the others are recorded as skipped, with the reason).
   */
  catchup: z.enum(['all', 'latest']),
  /**
   * An interval that comes due while a run of the pipeline is still queued or running:
   * `queue` waits its turn, `skip` records it as skipped.
   */
  overlap: z.enum(['queue', 'skip']),
});
export type ScheduleSettings = z.infer<typeof scheduleSchema>;

const retrainSchema = z.strictObject({
  schedule: scheduleSchema,
  /** The base dataset (id or name); null: the newest real dataset that is not survey data, else synthetic. */
  base: z.string().min(1).nullable(),
  /** Share of the base held out once as the fixed reference evaluation set. */
  referenceFraction: z.number().gt(0).lt(1),
  /** Share of each week's labelled responses held out to evaluate candidates (none train on it that week). */
  holdoutFraction: z.number().gt(0).lt(1),
  /** Fewer new labelled responses in the interval: the run is skipped with that reason. */
  minNewRows: z.number().int().min(1),
  /**
   * How much a survey row counts in fitting against a row of the base data (1: the same).
   * Survey respondents are the population the model serves; the base is larger but older.
   */
  surveyWeight: z.number().gt(0).max(100),
  /** Config overrides per candidate, trained in parallel tasks, e.g. `[["model=logistic"], ["model=gbdt"]]`. */
  candidates: z
    .array(z.array(z.string().max(500)).max(50))
    .min(1)
    .max(5),
  gate: z.strictObject({
    /** The candidate may be this much below the champion's ROC-AUC… */
    aucMargin: z.number().min(0).max(0.5),
    /** …tested one-sided with DeLong's paired test at this level. */
    alpha: z.number().gt(0).lt(0.5),
    /** Below this ROC-AUC on any evaluation set the candidate is refused outright (labels gone wrong). */
    minAuc: z.number().min(0.5).max(1),
    /** Brier score at most this much above the champion's. */
    brierMargin: z.number().min(0).max(1),
    /** No fairness slice's ROC-AUC more than this below the champion's… */
    sliceMargin: z.number().min(0).max(1),
    /** …counting slices with at least this many rows of each class. */
    sliceMinRows: z.number().int().min(1),
    /** An evaluation set needs this many rows of each class to count. */
    minClassRows: z.number().int().min(1),
  }),
  /** What follows a passed gate: a canary (weights from serving.rollout) or a shadow rollout. */
  rollout: z.enum(['canary', 'shadow']),
});

export const pipelinesSettingsSchema = z.strictObject({
  scheduler: z.strictObject({
    /** Fire schedules from this process (any number may: one wins the lease). */
    enabled: z.boolean(),
    /** How often the scheduler looks at the clock. */
    tickMs: z.number().int().min(100),
    /** Leader lease; another process takes over this long after the leader stops renewing. */
    leaseMs: z.number().int().min(1000),
  }),
  /** A running task try beats this often; silent for three beats, it is presumed dead and tried again. */
  heartbeatMs: z.number().int().min(100),
  retrain: retrainSchema,
});
export type PipelinesSettings = z.infer<typeof pipelinesSettingsSchema>;
export type RetrainSettings = PipelinesSettings['retrain'];
