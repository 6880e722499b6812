import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import { modelSpecSchema, type ModelSpec } from '../ml/model-factory.js';
import { modelSpec } from '../training/train-model.js';
import { searchSpaceSchema } from './search-space.js';
import { TUNE_METRICS, type Direction, type TuneConfig, type TuneMetric } from './settings.js';

/**
 * What makes a study's trials comparable, fixed when it is created and stored with it:
 * the base model spec the trial parameters are laid over, the space, the data split, the
 * folds, the metric and the sampler seed. A process joining or resuming a study uses these,
 * whatever its own configuration says; only the budget (`tune.trials`) may change.
 */
export const studyDefinitionSchema = z.strictObject({
  base: modelSpecSchema,
  space: searchSpaceSchema,
  /** The order parameters are sampled in (jsonb does not keep key order; `when` needs it). */
  spaceOrder: z.array(z.string()),
  metric: z.enum(Object.keys(TUNE_METRICS) as [TuneMetric, ...TuneMetric[]]),
  folds: z.number().int().min(2),
  testFraction: z.number().gt(0).lt(1),
  splitSeed: z.number().int(),
  samplerSeed: z.number().int(),
});
export type StudyDefinition = z.output<typeof studyDefinitionSchema>;

/** The definition a configuration describes; without `tune.seed` a random sampler seed is drawn. */
export function definitionFromConfig(config: TuneConfig): StudyDefinition {
  const space = config.tune.space[config.model.name];
  if (!space || Object.keys(space).length === 0) {
    throw DomainError.invalid(
      `tune.space.${config.model.name} is empty: nothing to tune for model=${config.model.name}`,
    );
  }
  return {
    base: modelSpecSchema.parse(modelSpec(config)),
    space,
    spaceOrder: Object.keys(space),
    metric: config.tune.metric,
    folds: config.tune.folds,
    testFraction: config.train.testFraction,
    splitSeed: config.train.seed,
    samplerSeed: config.tune.seed ?? randomInt(2 ** 31 - 1),
  };
}

export function directionOf(definition: Pick<StudyDefinition, 'metric'>): Direction {
  return TUNE_METRICS[definition.metric];
}

/** The model spec of one trial: its parameters over the base. */
export function trialSpec(definition: StudyDefinition, params: Record<string, unknown>): ModelSpec {
  return { ...definition.base, params: { ...definition.base.params, ...params } } as ModelSpec;
}

/** Which settings of `actual` differ from the stored definition (the sampler seed aside). */
export function definitionDifferences(stored: StudyDefinition, actual: StudyDefinition): string[] {
  const keys = ['base', 'space', 'metric', 'folds', 'testFraction', 'splitSeed'] as const;
  return keys.filter((key) => canonical(stored[key]) !== canonical(actual[key]));
}

/** A definition as stored (jsonb sorts keys) with its space back in sampling order. */
export function parseDefinition(stored: unknown): StudyDefinition {
  const definition = studyDefinitionSchema.parse(stored);
  const space = Object.fromEntries(
    definition.spaceOrder.map((name) => [name, definition.space[name]]),
  );
  return { ...definition, space };
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
