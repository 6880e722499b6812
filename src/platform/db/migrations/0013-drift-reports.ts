import { sql, type Kysely } from 'kysely';

/** Drift reports (src/monitoring): window, reference, verdicts, and the report itself. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('drift_report')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('model_version', 'integer', (col) => col.notNull())
    .addColumn('reference_dataset', 'text', (col) => col.notNull())
    .addColumn('window_start', 'timestamptz', (col) => col.notNull())
    .addColumn('window_end', 'timestamptz', (col) => col.notNull())
    .addColumn('current_rows', 'integer', (col) => col.notNull())
    .addColumn('dataset_drift', 'boolean', (col) => col.notNull())
    .addColumn('drifted_features', 'jsonb', (col) => col.notNull())
    .addColumn('report', 'jsonb', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('drift_report_by_model')
    .on('drift_report')
    .columns(['model_name', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('drift_report').execute();
}
