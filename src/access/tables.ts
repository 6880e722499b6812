import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/db/columns.js';
import type { Role } from './roles.js';

/** An API token: only its SHA-256 is kept; the token itself is shown once, when created. */
export interface AccessTokenTable {
  id: string;
  name: string;
  role: Role;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: Date | null;
  /** Updated at most once a minute per process, so that a busy token costs no write per call. */
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A person who logs in to the browser pages; the password is kept as an scrypt hash. */
export interface AppUserTable {
  name: string;
  role: Role;
  password_hash: string;
  created_by: string;
  created_at: Timestamp;
}

/**
 * A browser session: the cookie's SHA-256, who it is (a user, or the token pasted at login),
 * and the CSRF token that its state-changing requests must echo.
 */
export interface UserSessionTable {
  session_hash: string;
  user_name: string | null;
  token_id: string | null;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Date;
}

/** Every state change made by a person or token: who, when, what, on what, and why. */
export interface AuditEventTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  details: Json<Record<string, unknown>> | null;
}

export interface AccessTables {
  access_token: AccessTokenTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  audit_event: AuditEventTable;
}
