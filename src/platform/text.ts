/**
 * Text that can be stored: no NUL character (PostgreSQL's text and jsonb refuse it) and no
 * unpaired UTF-16 surrogate (it has no UTF-8 form). JSON lets a client send both (`\u0000`,
 * `\ud800`); they are refused where input enters — HTTP requests, job payloads, CSV fields —
 * so that one such value never reaches a write that many others share.
 */
export const STORABLE_TEXT = /^[^\0\u{D800}-\u{DFFF}]*$/u;

export const STORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes('\0');
}

/**
 * The path of the first string in `value` (searched depth first through arrays and plain
 * objects, keys included) that is not storable, e.g. `records.3.city`; undefined when all are.
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(root)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      const at = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) return at;
      const found = findUnstorableText((value as Record<string, unknown>)[key], at);
      if (found) return found;
    }
  }
  return undefined;
}

/** A copy fit for storage: each NUL or unpaired surrogate becomes U+FFFD (for quoting bad input back). */
export function toStorableText(text: string): string {
  return text.toWellFormed().replaceAll('\0', '\uFFFD');
}
