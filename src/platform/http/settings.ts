import { z } from 'zod';

/** The `server` section: where the HTTP API listens and how long shutdown may take. */
export const serverSettingsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  /** How long graceful shutdown waits for in-flight requests and jobs. */
  shutdownTimeoutMs: z.number().int().positive(),
  /**
   * Which proxies' X-Forwarded-For/-Proto to believe: false (none, the default), true (any:
   * only when every request comes through one), or a comma-separated list of addresses or
   * CIDR ranges. Rate limits key on the client address it yields.
   */
  trustProxy: z.union([z.boolean(), z.string().min(1)]),
});
export type ServerSettings = z.infer<typeof serverSettingsSchema>;
