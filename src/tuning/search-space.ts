import { z } from 'zod';
import type { Params } from '../ml/estimator.js';
import { buildPipeline, MODEL_FAMILIES, type ModelFamily } from '../ml/model-factory.js';

/** A value a trial gives one hyperparameter. */
export type ParamValue = number | string | boolean | null;
/** The hyperparameters of one trial, by name (as in `model.params`). */
export type TrialParams = Record<string, ParamValue>;

const finite = z.number().finite();
const choice = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/**
 * `when` makes a parameter conditional on earlier parameters of the same space: it is only
 * sampled (and only passed to the model) when each named parameter took one of the listed
 * values, e.g. `maxDepth` only when `growth` is `depth`.
 */
const condition = z.record(z.string(), z.array(choice).min(1)).optional();

const floatParam = z
  .strictObject({
    type: z.literal('float'),
    low: finite,
    high: finite,
    /** Sample uniformly in log space (low must be > 0). */
    log: z.boolean().default(false),
    when: condition,
  })
  .refine((p) => p.low < p.high, { message: 'low must be below high' })
  .refine((p) => !p.log || p.low > 0, { message: 'log scale needs low > 0' });

const intParam = z
  .strictObject({
    type: z.literal('int'),
    low: z.number().int(),
    high: z.number().int(),
    step: z.number().int().min(1).default(1),
    log: z.boolean().default(false),
    when: condition,
  })
  .refine((p) => p.low < p.high, { message: 'low must be below high' })
  .refine((p) => !p.log || p.low > 0, { message: 'log scale needs low > 0' })
  .refine((p) => !p.log || p.step === 1, { message: 'log scale needs step 1 (as in Optuna)' })
  .refine((p) => (p.high - p.low) % p.step === 0, {
    message: 'high − low must be a multiple of step',
  });

const categoricalParam = z.strictObject({
  type: z.literal('categorical'),
  choices: z.array(choice).min(1),
  when: condition,
});

export const paramDistributionSchema = z.discriminatedUnion('type', [
  floatParam,
  intParam,
  categoricalParam,
]);
export type ParamDistribution = z.output<typeof paramDistributionSchema>;
export type FloatDistribution = Extract<ParamDistribution, { type: 'float' }>;
export type IntDistribution = Extract<ParamDistribution, { type: 'int' }>;
export type CategoricalDistribution = Extract<ParamDistribution, { type: 'categorical' }>;

/** One model's search space: hyperparameter name → distribution, sampled in this order. */
export const searchSpaceSchema = z.record(z.string().min(1), paramDistributionSchema);
export type SearchSpace = z.output<typeof searchSpaceSchema>;

/**
 * The search spaces of `tune.space`, one per model: the space of the configured model is the
 * one tuned, so parameters are conditional on `model=…` by construction.
 */
export const searchSpacesSchema = z
  .partialRecord(z.enum(MODEL_FAMILIES), searchSpaceSchema)
  .superRefine((spaces, ctx) => {
    for (const [model, space] of Object.entries(spaces)) {
      for (const problem of checkSearchSpace(model as ModelFamily, space ?? {})) {
        ctx.addIssue({ code: 'custom', path: [model, ...problem.path], message: problem.message });
      }
    }
  });

/**
 * Problems of one model's space: names the model does not know (building its pipeline lists
 * the known ones) and `when` clauses naming no earlier parameter or values it cannot take.
 */
export function checkSearchSpace(
  model: ModelFamily,
  space: SearchSpace,
): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const seen = new Map<string, ParamDistribution>();
  for (const [name, distribution] of Object.entries(space)) {
    try {
      buildPipeline({ model, params: { [name]: representative(distribution) } as Params });
    } catch (error) {
      problems.push({ path: [name], message: (error as Error).message });
    }
    for (const [parent, values] of Object.entries(distribution.when ?? {})) {
      const earlier = seen.get(parent);
      if (!earlier) {
        problems.push({
          path: [name, 'when', parent],
          message: `"${parent}" is not a parameter listed before "${name}"`,
        });
      } else if (earlier.type === 'categorical') {
        const unknown = values.filter((value) => !earlier.choices.includes(value));
        if (unknown.length)
          problems.push({
            path: [name, 'when', parent],
            message: `"${parent}" never takes ${unknown.map((v) => JSON.stringify(v)).join(', ')}`,
          });
      }
    }
    seen.set(name, distribution);
  }
  return problems;
}

function representative(distribution: ParamDistribution): ParamValue {
  return distribution.type === 'categorical' ? distribution.choices[0] : distribution.low;
}

/** Whether a parameter is active given the values sampled before it. */
export function isActive(distribution: ParamDistribution, sampled: TrialParams): boolean {
  return Object.entries(distribution.when ?? {}).every(
    ([parent, values]) => parent in sampled && values.includes(sampled[parent]),
  );
}
