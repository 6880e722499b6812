import { isDomainError } from '../../errors.js';
import { isConnectionFailure } from './outage.js';

/** What became of one item of a group write. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Whether a failed group write may owe its failure to one of its rows, not to the database being away. */
function mayBeOneRow(error: unknown): boolean {
  return !isConnectionFailure(error) && !(isDomainError(error) && error.kind === 'unavailable');
}

/**
 * Writes a group in one call of `write` (one statement, so all or nothing); when that fails
 * for a reason that may lie in one row, writes each half again, down to single rows, so that
 * one bad row fails alone instead of taking every other caller's row with it. Only a failing
 * group pays: one bad row among n costs about 2·log2(n) extra writes. A database that is away
 * fails the whole group at once — retrying each row would only hammer it.
 */
export async function writeIsolatingFailures<T, R>(
  write: (items: T[]) => Promise<readonly R[]>,
  items: T[],
): Promise<Outcome<R>[]> {
  try {
    const values = await write(items);
    return values.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (items.length <= 1 || !mayBeOneRow(error)) return items.map(() => ({ ok: false, error }));
    const middle = Math.ceil(items.length / 2);
    const head = await writeIsolatingFailures(write, items.slice(0, middle));
    const tail = await writeIsolatingFailures(write, items.slice(middle));
    return head.concat(tail);
  }
}
