import type { Kysely } from 'kysely';
import type { AuditRecord, AuditTrail } from '../platform/audit.js';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';

export interface AuditEvent extends AuditRecord {
  id: number;
  at: Date;
}

export interface AuditFilter {
  limit: number;
  actor?: string;
  /** An action or its prefix: `alias` matches `alias.set` and `alias.delete`. */
  action?: string;
}

/** The audit table: written by every domain through `AuditTrail`, read by `sdp audit list`. */
export class DatabaseAuditTrail implements AuditTrail {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: AuditRecord, within: Kysely<Database> = this.db): Promise<void> {
    await within
      .insertInto('audit_event')
      .values({
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        reason: entry.reason,
        details: entry.details ? toJson(entry.details) : null,
      })
      .execute();
  }

  /** Newest first. */
  async list(filter: AuditFilter): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_event').selectAll();
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.action) {
      const action = filter.action;
      query = query.where((eb) =>
        eb.or([eb('action', '=', action), eb('action', 'like', `${action}.%`)]),
      );
    }
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: new Date(row.at),
      actor: row.actor,
      action: row.action,
      target: row.target,
      reason: row.reason,
      ...(row.details ? { details: row.details } : {}),
    }));
  }
}
