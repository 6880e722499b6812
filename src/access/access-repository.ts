import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../errors.js';
import type { Database } from '../platform/db/schema.js';
import type { Role } from './roles.js';
import type { AccessTokenTable } from './tables.js';

/** A token as listed: never its secret or hash. */
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserInfo {
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
}

/** A session as its cookie finds it: whose it is, its CSRF token, while it lasts. */
export interface SessionRow {
  csrfToken: string;
  expiresAt: Date;
  user: { name: string; role: Role } | null;
  token: {
    id: string;
    name: string;
    role: Role;
    expiresAt: Date | null;
    revokedAt: Date | null;
  } | null;
}

const toTokenInfo = (row: Selectable<AccessTokenTable>): TokenInfo => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  expiresAt: row.expires_at && new Date(row.expires_at),
  lastUsedAt: row.last_used_at && new Date(row.last_used_at),
  revokedAt: row.revoked_at && new Date(row.revoked_at),
});

/** Only this module touches the token, user and session tables. */
export class AccessRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertToken(token: {
    id: string;
    name: string;
    role: Role;
    hash: string;
    createdBy: string;
    expiresAt: Date | null;
  }): Promise<TokenInfo> {
    const row = await this.db
      .insertInto('access_token')
      .values({
        id: token.id,
        name: token.name,
        role: token.role,
        token_hash: token.hash,
        created_by: token.createdBy,
        expires_at: token.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTokenInfo(row);
  }

  async tokenByHash(hash: string): Promise<TokenInfo | undefined> {
    const row = await this.db
      .selectFrom('access_token')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    return row && toTokenInfo(row);
  }

  async listTokens(): Promise<TokenInfo[]> {
    const rows = await this.db
      .selectFrom('access_token')
      .selectAll()
      .orderBy('created_at')
      .execute();
    return rows.map(toTokenInfo);
  }

  /** Revokes the live tokens with this id or name, and ends their sessions. */
  async revokeTokens(ref: string, at: Date): Promise<TokenInfo[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('access_token')
        .set({ revoked_at: at })
        .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
        .where('revoked_at', 'is', null)
        .returningAll()
        .execute();
      if (rows.length > 0) {
        await trx
          .deleteFrom('user_session')
          .where(
            'token_id',
            'in',
            rows.map((row) => row.id),
          )
          .execute();
      }
      return rows.map(toTokenInfo);
    });
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('access_token')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Whether an admin can act: a live admin token or an admin user. */
  async hasAdmin(now: Date): Promise<boolean> {
    const token = await this.db
      .selectFrom('access_token')
      .select('id')
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .limit(1)
      .executeTakeFirst();
    if (token) return true;
    const user = await this.db
      .selectFrom('app_user')
      .select('name')
      .where('role', '=', 'admin')
      .limit(1)
      .executeTakeFirst();
    return user !== undefined;
  }

  async insertUser(user: {
    name: string;
    role: Role;
    passwordHash: string;
    createdBy: string;
  }): Promise<UserInfo> {
    const row = await this.db
      .insertInto('app_user')
      .values({
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        created_by: user.createdBy,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning(['name', 'role', 'created_by', 'created_at'])
      .executeTakeFirst();
    if (!row)
      throw DomainError.conflict(`User ${user.name} exists already (see \`sdp users list\`).`);
    return {
      name: row.name,
      role: row.role,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
    };
  }

  async userWithPassword(name: string): Promise<(UserInfo & { passwordHash: string }) | undefined> {
    const row = await this.db
      .selectFrom('app_user')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return (
      row && {
        name: row.name,
        role: row.role,
        createdBy: row.created_by,
        createdAt: new Date(row.created_at),
        passwordHash: row.password_hash,
      }
    );
  }

  async listUsers(): Promise<UserInfo[]> {
    const rows = await this.db
      .selectFrom('app_user')
      .select(['name', 'role', 'created_by', 'created_at'])
      .orderBy('name')
      .execute();
    return rows.map((row) => ({
      name: row.name,
      role: row.role,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
    }));
  }

  /** Deletes a user and (by cascade) their sessions; false when there is none. */
  async deleteUser(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('app_user').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async insertSession(session: {
    hash: string;
    userName: string | null;
    tokenId: string | null;
    csrfToken: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db
      .insertInto('user_session')
      .values({
        session_hash: session.hash,
        user_name: session.userName,
        token_id: session.tokenId,
        csrf_token: session.csrfToken,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async sessionByHash(hash: string): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom('user_session as s')
      .leftJoin('app_user as u', 'u.name', 's.user_name')
      .leftJoin('access_token as t', 't.id', 's.token_id')
      .select([
        's.csrf_token',
        's.expires_at',
        'u.name as user_name',
        'u.role as user_role',
        't.id as token_id',
        't.name as token_name',
        't.role as token_role',
        't.expires_at as token_expires_at',
        't.revoked_at as token_revoked_at',
      ])
      .where('s.session_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      csrfToken: row.csrf_token,
      expiresAt: new Date(row.expires_at),
      user: row.user_name && row.user_role ? { name: row.user_name, role: row.user_role } : null,
      token:
        row.token_id && row.token_name && row.token_role
          ? {
              id: row.token_id,
              name: row.token_name,
              role: row.token_role,
              expiresAt: row.token_expires_at && new Date(row.token_expires_at),
              revokedAt: row.token_revoked_at && new Date(row.token_revoked_at),
            }
          : null,
    };
  }

  async deleteSession(hash: string): Promise<void> {
    await this.db.deleteFrom('user_session').where('session_hash', '=', hash).execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.deleteFrom('user_session').where('expires_at', '<=', now).execute();
  }
}
