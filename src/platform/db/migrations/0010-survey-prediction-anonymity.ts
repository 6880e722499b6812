import { sql, type Kysely } from 'kysely';

/**
 * Predictions and labels of survey responses keep no time finer than the response's own UTC
 * day, and live under the `survey:` key namespace that no HTTP client may write to. Rows
 * already logged under a stored response's bare submission id are moved there and coarsened.
 * (Rows of responses deleted before this migration cannot be told apart any more: they
 * keep their key, which no longer leads to a response.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update prediction_log p
    set request_key = 'survey:' || p.request_key, at = date_trunc('day', p.at at time zone 'UTC') at time zone 'UTC'
    from survey_response s
    where p.request_key = s.submission_id::text`.execute(db);
  await sql`
    update prediction_feedback f
    set request_key = 'survey:' || f.request_key
    from survey_response s
    where f.request_key = s.submission_id::text`.execute(db);
  await sql`
    update prediction_feedback
    set received_at = date_trunc('day', received_at at time zone 'UTC') at time zone 'UTC'`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  // The finer times are gone on purpose; the keys stay in the survey namespace.
}
