import { sql, type Kysely } from 'kysely';

/**
 * Dataset versions: immutable sets of respondent records with their provenance, the rows
 * that were quarantined on the way in, and the validation report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('content_hash', 'text', (col) => col.notNull().unique())
    .addColumn('file_sha256', 'text')
    .addColumn('synthetic', 'boolean', (col) => col.notNull())
    .addColumn('row_count', 'integer', (col) => col.notNull())
    .addColumn('quarantined_count', 'integer', (col) => col.notNull())
    .addColumn('positive_count', 'integer', (col) => col.notNull())
    .addColumn('validation', 'jsonb', (col) => col.notNull())
    .addColumn('config', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('dataset_name_idx')
    .on('dataset')
    .columns(['name', 'created_at'])
    .execute();

  await db.schema
    .createTable('dataset_row')
    .addColumn('dataset_id', 'text', (col) =>
      // Checked at commit: an ingest writes its rows before it knows the dataset's content hash.
      col
        .notNull()
        .references('dataset.id')
        .onDelete('cascade')
        .modifyEnd(sql`deferrable initially deferred`),
    )
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('line', 'integer', (col) => col.notNull())
    .addColumn('source_id', 'text')
    .addColumn('gender', 'text', (col) => col.notNull())
    .addColumn('age', 'double precision', (col) => col.notNull())
    .addColumn('city', 'text', (col) => col.notNull())
    .addColumn('profession', 'text', (col) => col.notNull())
    .addColumn('academic_pressure', 'double precision', (col) => col.notNull())
    .addColumn('work_pressure', 'double precision', (col) => col.notNull())
    .addColumn('cgpa', 'double precision', (col) => col.notNull())
    .addColumn('study_satisfaction', 'double precision', (col) => col.notNull())
    .addColumn('job_satisfaction', 'double precision', (col) => col.notNull())
    .addColumn('sleep_duration', 'text', (col) => col.notNull())
    .addColumn('dietary_habits', 'text', (col) => col.notNull())
    .addColumn('degree', 'text', (col) => col.notNull())
    .addColumn('suicidal_thoughts', 'text', (col) => col.notNull())
    .addColumn('work_study_hours', 'double precision', (col) => col.notNull())
    .addColumn('financial_stress', 'double precision')
    .addColumn('family_history', 'text', (col) => col.notNull())
    .addColumn('depression', 'smallint', (col) => col.notNull())
    .addPrimaryKeyConstraint('dataset_row_pk', ['dataset_id', 'position'])
    .execute();

  await db.schema
    .createTable('dataset_quarantine')
    .addColumn('dataset_id', 'text', (col) =>
      // Checked at commit: an ingest writes its rows before it knows the dataset's content hash.
      col
        .notNull()
        .references('dataset.id')
        .onDelete('cascade')
        .modifyEnd(sql`deferrable initially deferred`),
    )
    .addColumn('line', 'integer', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('raw', 'jsonb', (col) => col.notNull())
    .addPrimaryKeyConstraint('dataset_quarantine_pk', ['dataset_id', 'line'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_quarantine').execute();
  await db.schema.dropTable('dataset_row').execute();
  await db.schema.dropTable('dataset').execute();
}
