import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';

/** One state change by a person or token (or sdp itself, e.g. an automated promotion). */
export interface AuditRecord {
  /** Who: `user:ada`, `token:deploy-bot`, `cli:ana`, `sdp`. */
  actor: string;
  /** What, dotted: `alias.set`, `rollout.start`, `token.create`, `survey.export`. */
  action: string;
  /** On what: `student-depression/champion`, a token id, a file. */
  target: string;
  reason: string | null;
  details?: Record<string, unknown>;
}

/**
 * Where state changes are written down (the audit table, src/access/audit-trail.ts). Domains
 * take this narrow interface, so that recording is part of making a change wherever the
 * change comes from (HTTP, CLI, a job). Given the change's open transaction, the record
 * commits with it or not at all.
 */
export interface AuditTrail {
  record(entry: AuditRecord, within?: Kysely<Database>): Promise<void>;
}

/** For parts built without an audit table (tests of a single module). */
export const NO_AUDIT: AuditTrail = { record: async () => {} };
