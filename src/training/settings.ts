import { z } from 'zod';

/** The `train` section (`sdp train`): split, cross-validation, threshold, where runs go. */
export const trainSettingsSchema = z.strictObject({
  experiment: z.string().min(1).max(100),
  registeredModel: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  testFraction: z.number().gt(0).lt(1),
  folds: z.number().int().min(2).max(20),
  threshold: z.discriminatedUnion('strategy', [
    z.strictObject({ strategy: z.literal('fixed'), value: z.number().min(0).max(1) }),
    z.strictObject({ strategy: z.literal('max-f1') }),
    z.strictObject({ strategy: z.literal('target-recall'), value: z.number().gt(0).max(1) }),
  ]),
});
export type TrainSettings = z.infer<typeof trainSettingsSchema>;
