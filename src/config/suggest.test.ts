import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('closest', () => {
  it('suggests the key a typo was meant to be', () => {
    expect(closest('prot', ['host', 'port', 'shutdownTimeoutMs'])).toBe('port');
  });
  it('suggests nothing for an unrelated word', () => {
    expect(closest('database', ['host', 'port'])).toBeUndefined();
  });
  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
