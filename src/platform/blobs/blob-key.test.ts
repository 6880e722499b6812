import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../errors.js';
import { validateBlobKey, validateBlobPrefix } from './blob-key.js';

describe('validateBlobKey', () => {
  it.each(['a', 'datasets/2024-05-01/train.csv', 'runs/day=1/model@3_x.tar.gz', 'A-Z_0.9'])(
    'accepts %s',
    (key) => {
      expect(() => validateBlobKey(key)).not.toThrow();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['/etc/passwd', 'must be relative'],
    ['a\\b', 'not "\\"'],
    ['a//b', 'empty segments'],
    ['a/', 'empty segments'],
    ['..', 'must not contain ".." segments'],
    ['a/./b', 'must not contain "." segments'],
    ['.env', 'must not start with "."'],
    ['a b', 'only letters, digits'],
    ['ą', 'only letters, digits'],
    ['a?b', 'only letters, digits'],
    ['x'.repeat(513), 'longer than 512 characters'],
    [`${'x'.repeat(201)}/y`, 'segment longer than 200 characters'],
  ])('rejects %j because it %s', (key, reason) => {
    const error = (() => {
      try {
        validateBlobKey(key);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_blob_key' });
    expect((error as DomainError).details[0].message).toContain(reason);
    expect((error as Error).message).toMatch(/^Invalid blob key "/);
  });

  it('rejects non-strings from untyped callers', () => {
    expect(() => validateBlobKey(undefined as unknown as string)).toThrow(/^Invalid blob key/);
  });

  it('shortens very long keys in the message', () => {
    expect(() => validateBlobKey('y'.repeat(5000))).toThrow(/y{120}…"/);
  });
});

describe('validateBlobPrefix', () => {
  it.each(['', 'a', 'a/', 'a/b/', 'a/partial-na'])('accepts %j', (prefix) => {
    expect(() => validateBlobPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '//', '../', 'a//', '/a', '.x'])('rejects %j', (prefix) => {
    expect(() => validateBlobPrefix(prefix)).toThrow(/^Invalid blob key/);
  });
});
