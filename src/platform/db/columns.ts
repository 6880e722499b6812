import type { ColumnType } from 'kysely';

/**
 * A jsonb column: read as parsed JSON, written as a JSON string (see `toJson`). Writing the
 * string ourselves keeps both drivers alike: node-postgres would turn a JS array into a
 * PostgreSQL array, not JSON.
 */
export type Json<T = unknown> = ColumnType<T, string, string>;

/** A timestamptz column with a database default. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const toJson = (value: unknown): string => JSON.stringify(value ?? null);
