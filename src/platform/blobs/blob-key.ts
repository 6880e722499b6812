import { invalidBlobKey } from './errors.js';

/** The longest key accepted, in characters (keys are ASCII, so also bytes). */
export const MAX_BLOB_KEY_LENGTH = 512;

/**
 * The longest segment accepted. Filesystems allow 255 bytes per name; the filesystem backend
 * keeps a sidecar and temporary files named after the segment with a few more characters.
 */
export const MAX_BLOB_KEY_SEGMENT_LENGTH = 200;

// A deliberately small charset: safe unescaped in S3 keys, URLs, shells and every common
// filesystem, and free of separators other than `/`. `=` allows Hive-style partitions
// (`day=2024-05-01`), `@` version tags (`model@3`).
const SEGMENT_CHARS = /^[A-Za-z0-9_.=@-]+$/;

/**
 * Throws `an invalid-key error` unless `key` is a relative, `/`-separated path of non-empty
 * segments made of letters, digits and `_ . = @ -`, no segment starting with `.` (which
 * rules out `.` and `..` and reserves dot-files for the filesystem backend's bookkeeping),
 * at most 512 characters long. Such a key cannot escape the store's root on any backend.
 *
 * @example
 * validateBlobKey('datasets/day=2024-05-01/train.csv'); // ok
 * validateBlobKey('../etc/passwd'); // throws an invalid-key error
 */
export function validateBlobKey(key: string): void {
  if (typeof key !== 'string') throw invalidBlobKey(String(key), 'must be a string');
  if (key.length === 0) throw invalidBlobKey(key, 'must not be empty');
  if (key.length > MAX_BLOB_KEY_LENGTH) {
    throw invalidBlobKey(key, `longer than ${MAX_BLOB_KEY_LENGTH} characters`);
  }
  if (key.startsWith('/')) throw invalidBlobKey(key, 'must be relative (no leading "/")');
  if (key.includes('\\')) throw invalidBlobKey(key, 'must use "/" as separator, not "\\"');
  for (const segment of key.split('/')) validateSegment(key, segment);
}

/**
 * Throws `an invalid-key error` unless `prefix` is empty or the beginning of some valid key:
 * the same rules as `validateBlobKey`, but a trailing `/` is allowed.
 */
export function validateBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  validateBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

function validateSegment(key: string, segment: string): void {
  if (segment === '') {
    throw invalidBlobKey(key, 'must not contain empty segments ("//" or a trailing "/")');
  }
  if (segment === '.' || segment === '..') {
    throw invalidBlobKey(key, `must not contain "${segment}" segments`);
  }
  if (segment.startsWith('.')) {
    throw invalidBlobKey(key, `segment "${segment}" must not start with "."`);
  }
  if (segment.length > MAX_BLOB_KEY_SEGMENT_LENGTH) {
    throw invalidBlobKey(key, `segment longer than ${MAX_BLOB_KEY_SEGMENT_LENGTH} characters`);
  }
  if (!SEGMENT_CHARS.test(segment)) {
    throw invalidBlobKey(key, 'only letters, digits, "/" and "_ . = @ -" are allowed');
  }
}
