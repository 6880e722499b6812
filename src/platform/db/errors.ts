/** PostgreSQL's SQLSTATE for a unique constraint or index that refused a row. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether a database error is a unique violation (on PostgreSQL and PGlite alike: both carry
 * the SQLSTATE as `code`), so a repository can report a lost race as a conflict and let every
 * other failure through as what it is.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}
