import { z } from 'zod';

/** The `database` section: PGlite under the data directory, or a PostgreSQL server. */
export const databaseSettingsSchema = z.strictObject({
  url: z.string().refine((url) => url === 'embedded' || /^postgres(ql)?:\/\//.test(url), {
    message: 'must be "embedded" or a postgres:// URL',
  }),
  poolSize: z.number().int().min(1).max(200),
  /** How long start-up waits for a PostgreSQL server that does not answer yet (then gives up). */
  startupTimeoutMs: z.number().int().min(0),
});
export type DatabaseSettings = z.infer<typeof databaseSettingsSchema>;
