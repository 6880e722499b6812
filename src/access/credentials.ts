import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** API tokens: `sdp_` and 32 random bytes (256 bits), so guessing one is hopeless. */
const TOKEN_PREFIX = 'sdp_';
const TOKEN_PATTERN = /^sdp_[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const looksLikeToken = (value: string): boolean => TOKEN_PATTERN.test(value);

/** A random secret for a session cookie or a CSRF token. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** A short random id to name a token by (in lists, revocation and the audit). */
export const newTokenId = (): string => `tok_${randomBytes(6).toString('hex')}`;

/**
 * Tokens and session secrets are random, not chosen by people: one round of SHA-256 is the
 * right hash for them (a slow hash would cost every request and protect nothing more).
 */
export const secretHash = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/**
 * Passwords, chosen by people, get scrypt — memory-hard, in Node's own crypto. N = 2^15,
 * r = 8 (32 MiB, about 0.1 s per hash here), as OWASP's password storage cheat sheet advises.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;

const scryptAsync = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/** `scrypt$N$r$p$salt$key` (base64url), so that the parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
