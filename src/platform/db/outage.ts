import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { DomainError } from '../../errors.js';

/** How long a caller is told to wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = 5;

// SQLSTATE classes and codes that mean the server cannot serve now, not that the query is wrong:
// 08 connection exception, 53 insufficient resources, 57P01–57P03 shutdown / starting up.
const UNAVAILABLE_STATES = /^(08|53)|^57P0[1-3]$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// What node-postgres says (without a code) when a connection ends or cannot be made in time.
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/;

/** Whether `error` says the database server is unreachable or going away, not that a query is bad. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code)))
    return true;
  return LOST_CONNECTION.test(error.message);
}

function unavailable(error: unknown): unknown {
  if (!isConnectionFailure(error)) return error;
  // The cause (host, port) goes to logs only; callers get what to do.
  return DomainError.unavailable('The database is unavailable; try again shortly.', {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    cause: error,
  });
}

/**
 * The pg pool as Kysely uses it, with connection failures reported as `unavailable` domain
 * errors, so that an outage answers 503 with Retry-After, fails a CLI command with "try again
 * later" and retries a job — and any other database error stays what it is. The pool itself
 * reconnects: a broken client is dropped and the next query opens a new one.
 */
export function outageAwarePool(pool: pg.Pool): PostgresPool {
  // One wrapper per client: Kysely keeps state per client object.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      wrapper = {
        query: ((text: unknown, parameters?: readonly unknown[]) =>
          typeof text === 'string'
            ? client.query(text, parameters as unknown[]).catch((error: unknown) => {
                throw unavailable(error);
              })
            : client.query(text as never)) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: () =>
      pool.connect().then(wrap, (error: unknown) => {
        throw unavailable(error);
      }),
    end: () => pool.end(),
  };
}
