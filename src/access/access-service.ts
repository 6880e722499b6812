import { DomainError } from '../errors.js';
import type { AuditTrail } from '../platform/audit.js';
import {
  hashPassword,
  looksLikeToken,
  MIN_PASSWORD_LENGTH,
  newSecret,
  newToken,
  newTokenId,
  secretHash,
  verifyPassword,
} from './credentials.js';
import type { AccessRepository, TokenInfo, UserInfo } from './access-repository.js';
import { identity, ROLES, type Identity, type Role } from './roles.js';

export interface AccessServiceOptions {
  /** How long a browser login lasts. */
  sessionHours: number;
  /** How long a token's or session's check is reused before the database is asked again. */
  cacheMs?: number;
  now?: () => Date;
}

/** A browser session just opened: the cookie's secret and the CSRF token its forms send. */
export interface OpenedSession {
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  identity: Identity;
}

export interface SessionIdentity {
  identity: Identity;
  csrfToken: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** A token's last use is written at most this often (per process). */
const TOUCH_EVERY_MS = 60_000;
/** Cached checks at most; beyond, the cache starts afresh (a flood of made-up tokens). */
const MAX_CACHED = 10_000;
/** A failed password check costs this long at least, whether or not the user exists. */
const DUMMY_HASH_PASSWORD = 'not a password of anyone';

/**
 * Identities: API tokens (random, stored as hashes, with a role, an expiry and a last use),
 * users with scrypt-hashed passwords, and their browser sessions. Every change is audited.
 * Checks are cached for `cacheMs` (default 5 s), so a revocation made by another process
 * takes effect within that; in this process, at once.
 */
export class AccessService {
  private readonly cache = new Map<string, { value: unknown; until: number }>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly touched = new Map<string, number>();
  private readonly now: () => Date;
  private readonly cacheMs: number;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly repository: AccessRepository,
    private readonly audit: AuditTrail,
    private readonly options: AccessServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.cacheMs = options.cacheMs ?? 5000;
  }

  /** Creates a token; its secret is in the result only, never stored or shown again. */
  async createToken(
    input: { name: string; role: Role; expiresInDays?: number; token?: string },
    actor: string,
  ): Promise<{ token: string; info: TokenInfo }> {
    checkName(input.name, 'token');
    checkRole(input.role);
    if (input.expiresInDays !== undefined && !(input.expiresInDays > 0))
      throw DomainError.invalid('A token expires after a positive number of days.');
    if (input.token !== undefined && !looksLikeToken(input.token))
      throw DomainError.invalid(
        'A token is "sdp_" and 43 base64url characters (see `sdp tokens create`).',
      );
    const token = input.token ?? newToken();
    const expiresAt =
      input.expiresInDays === undefined
        ? null
        : new Date(this.now().getTime() + input.expiresInDays * 86_400_000);
    const info = await this.repository.insertToken({
      id: newTokenId(),
      name: input.name,
      role: input.role,
      hash: secretHash(token),
      createdBy: actor,
      expiresAt,
    });
    await this.audit.record({
      actor,
      action: 'token.create',
      target: info.id,
      reason: null,
      details: { name: info.name, role: info.role, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { token, info };
  }

  listTokens(): Promise<TokenInfo[]> {
    return this.repository.listTokens();
  }

  /** Revokes the live tokens with this id or name (and their sessions). */
  async revokeToken(ref: string, actor: string): Promise<TokenInfo[]> {
    const revoked = await this.repository.revokeTokens(ref, this.now());
    if (revoked.length === 0)
      throw DomainError.notFound(
        `No live token has the id or name "${ref}" (see \`sdp tokens list\`).`,
      );
    for (const token of revoked) {
      await this.audit.record({ actor, action: 'token.revoke', target: token.id, reason: null });
    }
    this.cache.clear();
    return revoked;
  }

  /** Whether a token has been registered already (the admin token file, at every start). */
  async hasToken(token: string): Promise<boolean> {
    return (await this.repository.tokenByHash(secretHash(token))) !== undefined;
  }

  /** The identity of a live token; undefined for an unknown, expired or revoked one. */
  authenticateToken(token: string): Promise<Identity | undefined> | Identity | undefined {
    if (!looksLikeToken(token)) return undefined;
    const hash = secretHash(token);
    return this.cached(
      hash,
      async () => {
        const info = await this.repository.tokenByHash(hash);
        return info && this.live(info)
          ? identity('token', info.id, info.name, info.role)
          : undefined;
      },
      (found) => found && this.touch(found.id),
    );
  }

  async addUser(
    input: { name: string; role: Role; password: string },
    actor: string,
  ): Promise<UserInfo> {
    checkName(input.name, 'user');
    checkRole(input.role);
    if (input.password.length < MIN_PASSWORD_LENGTH)
      throw DomainError.invalid(`A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
    const user = await this.repository.insertUser({
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdBy: actor,
    });
    await this.audit.record({
      actor,
      action: 'user.add',
      target: user.name,
      reason: null,
      details: { role: user.role },
    });
    return user;
  }

  listUsers(): Promise<UserInfo[]> {
    return this.repository.listUsers();
  }

  async removeUser(name: string, actor: string): Promise<void> {
    if (!(await this.repository.deleteUser(name)))
      throw DomainError.notFound(`No user "${name}" (see \`sdp users list\`).`);
    await this.audit.record({ actor, action: 'user.remove', target: name, reason: null });
    this.cache.clear();
  }

  /** Opens a browser session for a user's password, or for an API token pasted at login. */
  async login(
    credentials: { user: string; password: string } | { token: string },
  ): Promise<OpenedSession> {
    const refused = DomainError.unauthenticated(
      'Wrong user name or password, or an invalid token.',
    );
    let who: Identity;
    let owner: { userName: string | null; tokenId: string | null };
    if ('token' in credentials) {
      const found = await this.authenticateToken(credentials.token);
      if (!found) throw refused;
      who = found;
      owner = { userName: null, tokenId: found.id };
    } else {
      const user = await this.repository.userWithPassword(credentials.user);
      // Hash even for an unknown user, so the answer's timing does not tell which names exist.
      const ok = await verifyPassword(
        credentials.password,
        user?.passwordHash ?? (await this.dummy()),
      );
      if (!user || !ok) throw refused;
      who = identity('user', user.name, user.name, user.role);
      owner = { userName: user.name, tokenId: null };
    }
    const secret = newSecret();
    const csrfToken = newSecret();
    const expiresAt = new Date(this.now().getTime() + this.options.sessionHours * 3_600_000);
    await this.repository.deleteExpiredSessions(this.now());
    await this.repository.insertSession({
      hash: secretHash(secret),
      ...owner,
      csrfToken,
      expiresAt,
    });
    return { secret, csrfToken, expiresAt, identity: who };
  }

  /** The identity behind a session cookie, while the session and its user or token live. */
  authenticateSession(
    secret: string,
  ): Promise<SessionIdentity | undefined> | SessionIdentity | undefined {
    if (secret.length > 100) return undefined;
    return this.cached(`session:${secretHash(secret)}`, async () => {
      const row = await this.repository.sessionByHash(secretHash(secret));
      if (!row || row.expiresAt <= this.now()) return undefined;
      if (row.user)
        return {
          identity: identity('user', row.user.name, row.user.name, row.user.role),
          csrfToken: row.csrfToken,
        };
      if (row.token && this.live(row.token))
        return {
          identity: identity('token', row.token.id, row.token.name, row.token.role),
          csrfToken: row.csrfToken,
        };
      return undefined;
    });
  }

  async logout(secret: string): Promise<void> {
    await this.repository.deleteSession(secretHash(secret));
    this.cache.delete(`session:${secretHash(secret)}`);
  }

  hasAdmin(): Promise<boolean> {
    return this.repository.hasAdmin(this.now());
  }

  private live(token: { expiresAt: Date | null; revokedAt: Date | null }): boolean {
    return token.revokedAt === null && (token.expiresAt === null || token.expiresAt > this.now());
  }

  /**
   * A cached check: answered without waiting while fresh, else from `load` (then cached);
   * concurrent misses of one key share one load, so an expiring entry under load costs one
   * query, not one per request in flight. `onFound` sees every answer.
   */
  private cached<T>(
    key: string,
    load: () => Promise<T>,
    onFound?: (value: T) => void,
  ): Promise<T> | T {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) {
      onFound?.(hit.value as T);
      return hit.value as T;
    }
    let pending = this.loading.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load()
        .then((value) => {
          if (this.cache.size >= MAX_CACHED) this.cache.clear();
          this.cache.set(key, { value, until: Date.now() + this.cacheMs });
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending.then((value) => {
      onFound?.(value);
      return value;
    });
  }

  /** Records a token's use, at most once a minute; a failure to do so costs nothing else. */
  private touch(id: string): void {
    const now = this.now();
    if ((this.touched.get(id) ?? 0) > now.getTime() - TOUCH_EVERY_MS) return;
    this.touched.set(id, now.getTime());
    void this.repository.touchToken(id, now).catch(() => this.touched.delete(id));
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(DUMMY_HASH_PASSWORD);
    return this.dummyHash;
  }
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name))
    throw DomainError.invalid(
      `A ${what} name is 1–64 letters, digits and . _ @ - (starting with a letter or digit), got "${name.slice(0, 70)}".`,
    );
}

function checkRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw DomainError.invalid(`Unknown role "${role}"; roles are ${ROLES.join(', ')}.`);
}
