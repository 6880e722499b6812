import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { compactRanges } from './registry-service.js';
import { parseVersionRef } from './version-ref.js';

describe('parseVersionRef', () => {
  it.each([
    ['depression-gbdt', { kind: 'alias', model: 'depression-gbdt', alias: 'champion' }],
    [
      'depression-gbdt@challenger',
      { kind: 'alias', model: 'depression-gbdt', alias: 'challenger' },
    ],
    ['m.v2@shadow_1', { kind: 'alias', model: 'm.v2', alias: 'shadow_1' }],
    ['depression-gbdt/3', { kind: 'version', model: 'depression-gbdt', version: 3 }],
  ])('parses %s', (ref, expected) => {
    expect(parseVersionRef(ref)).toEqual(expected);
  });

  it.each([
    ['', 'Invalid model name'],
    ['m@', 'Invalid alias ""'],
    ['m@Champion', 'Invalid alias "Champion"'],
    ['m/0', 'Invalid version "0"'],
    ['m/03', 'Invalid version "03"'],
    ['m/x', 'Invalid version "x"'],
    ['m/1/2', 'Invalid version "1/2"'],
    ['@champion', 'Invalid model name ""'],
    ['a b', 'Invalid model name "a b"'],
  ])('rejects %j', (ref, message) => {
    expect(() => parseVersionRef(ref)).toThrow(DomainError);
    expect(() => parseVersionRef(ref)).toThrow(message);
  });
});

describe('compactRanges', () => {
  it('joins consecutive numbers into ranges', () => {
    expect(compactRanges([1, 2, 3, 5, 7, 8])).toBe('1–3, 5, 7–8');
    expect(compactRanges([4])).toBe('4');
    expect(compactRanges([])).toBe('');
  });
});
