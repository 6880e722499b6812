import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  looksLikeToken,
  newToken,
  secretHash,
  verifyPassword,
} from './credentials.js';

describe('credentials', () => {
  it('makes tokens of 256 random bits that are recognisable, and hashes them one way', () => {
    const a = newToken();
    const b = newToken();
    expect(a).not.toBe(b);
    expect(looksLikeToken(a)).toBe(true);
    expect(looksLikeToken(`${a}x`)).toBe(false);
    expect(looksLikeToken('Bearer')).toBe(false);
    expect(secretHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(a)).not.toContain(a.slice(4, 12));
  });

  it('stores passwords with scrypt and a salt of their own, and verifies them', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('horse');
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});
