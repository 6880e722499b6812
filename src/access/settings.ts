import { z } from 'zod';

const limit = z.strictObject({
  /** Requests allowed per window and caller. */
  max: z.number().int().positive(),
  windowMs: z.number().int().positive(),
});

/** The `access` section: identities, what is open, and the limits per caller. */
export const accessSettingsSchema = z.strictObject({
  /**
   * A file holding the first admin's API token (a mounted secret): registered at start if
   * it is not yet. Empty: none.
   */
  adminTokenFile: z.string(),
  /**
   * With no admin token or user at all: generate an admin token at start and print it once
   * (embedded first start). When false (production), sdp refuses to start instead.
   */
  generateAdminToken: z.boolean(),
  /** How long a browser login lasts. */
  sessionHours: z
    .number()
    .positive()
    .max(24 * 30),
  /** Who may read the API documentation (/docs, /openapi.json). */
  docs: z.enum(['public', 'viewer']),
  /** Addresses or CIDR ranges that may scrape /metrics without a token (e.g. Prometheus). */
  metricsAllowFrom: z.array(z.string().min(1)),
  /** Per token, or per client address without one; shared through Redis in distributed mode. */
  rateLimit: z.strictObject({
    predict: limit,
    batch: limit,
    feedback: limit,
    login: limit,
  }),
});
export type AccessSettings = z.infer<typeof accessSettingsSchema>;
export type RateLimitSetting = z.infer<typeof limit>;
