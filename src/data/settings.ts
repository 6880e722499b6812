import { z } from 'zod';

/** The `data` section: limits of ingestion. */
export const dataSettingsSchema = z.strictObject({
  /** Files larger than this are refused before any row is read. */
  maxFileBytes: z.number().int().positive(),
  /** A file whose share of invalid rows exceeds this is refused as a whole. */
  maxQuarantineShare: z.number().min(0).max(1),
  /** Rows written per database statement while ingesting. */
  batchSize: z.number().int().min(100).max(50_000),
  /**
   * Jobs (queue workers) read CSV files only from this directory; empty: `<dataDir>/import`.
   * The CLI reads any path its user can.
   */
  importDir: z.string(),
});
export type DataSettings = z.infer<typeof dataSettingsSchema>;
