import { z } from 'zod';

/** The `registry` section. */
export const registrySettingsSchema = z.strictObject({
  /** Whether PUT /v1/models/:name/aliases/:alias may move aliases (a rollout); off until admin tokens exist. */
  allowAliasChanges: z.boolean(),
});
export type RegistrySettings = z.infer<typeof registrySettingsSchema>;
