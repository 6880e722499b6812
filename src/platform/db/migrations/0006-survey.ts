import { sql, type Kysely } from 'kysely';

/**
 * Survey responses: answers, the record they map to, the PHQ-9 score and label, and the
 * review state. No column can hold an IP address, user agent, cookie or exact time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_response')
    .addColumn('submission_id', 'uuid', (col) => col.primaryKey())
    .addColumn('receipt_code', 'text', (col) => col.notNull().unique())
    .addColumn('payload_hash', 'text', (col) => col.notNull())
    .addColumn('submitted_on', 'date', (col) => col.notNull())
    .addColumn('questionnaire_version', 'text', (col) => col.notNull())
    .addColumn('locale', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('training', 'manual_review')`),
    )
    .addColumn('review_reason', 'text')
    .addColumn('answers', 'jsonb', (col) => col.notNull())
    .addColumn('record', 'jsonb')
    .addColumn('phq9_total', 'smallint', (col) =>
      col.notNull().check(sql`phq9_total between 0 and 27`),
    )
    .addColumn('phq9_label', 'smallint', (col) => col.notNull().check(sql`phq9_label in (0, 1)`))
    .execute();
  await db.schema
    .createIndex('survey_response_state_day_idx')
    .on('survey_response')
    .columns(['state', 'submitted_on'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('survey_response').execute();
}
