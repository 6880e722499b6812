import { sql, type Kysely } from 'kysely';

/**
 * Serving: the prediction log (every scored record), ground truth that arrives later, and
 * rollouts (canary or shadow) with the automated analysis of each step.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prediction_log')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('route', 'text', (col) =>
      col.notNull().check(sql`route in ('champion', 'canary', 'shadow')`),
    )
    .addColumn('request_key', 'text', (col) => col.notNull())
    .addColumn('rollout_id', 'text')
    // json, not jsonb: the log is written far more often than read, and json only validates
    // the text where jsonb parses it into a tree on every insert.
    .addColumn('inputs', 'json', (col) => col.notNull())
    .addColumn('probability', 'double precision')
    .addColumn('label', 'smallint')
    .addColumn('latency_us', 'integer', (col) => col.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('prediction_log_key_idx')
    .on('prediction_log')
    .column('request_key')
    .execute();
  await db.schema
    .createIndex('prediction_log_rollout_idx')
    .on('prediction_log')
    .columns(['rollout_id', 'at'])
    .execute();

  await db.schema
    .createTable('prediction_feedback')
    .addColumn('request_key', 'text', (col) => col.primaryKey())
    .addColumn('label', 'smallint', (col) => col.notNull().check(sql`label in (0, 1)`))
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('rollout')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('model_name', 'text', (col) => col.notNull().references('registered_model.name'))
    .addColumn('mode', 'text', (col) => col.notNull().check(sql`mode in ('canary', 'shadow')`))
    .addColumn('champion_version', 'integer', (col) => col.notNull())
    .addColumn('challenger_version', 'integer', (col) => col.notNull())
    .addColumn('steps', 'jsonb', (col) => col.notNull())
    .addColumn('step_index', 'integer', (col) => col.notNull())
    .addColumn('sample_rate', 'double precision', (col) => col.notNull())
    .addColumn('interval_ms', 'bigint', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .check(sql`status in ('active', 'paused', 'promoted', 'rolled_back', 'aborted')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('step_started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .execute();
  // One open (active or paused) rollout per model.
  await sql`create unique index rollout_open_idx on rollout (model_name) where status in ('active', 'paused')`.execute(
    db,
  );

  await db.schema
    .createTable('rollout_analysis')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('rollout_id', 'text', (col) => col.notNull().references('rollout.id'))
    .addColumn('step_index', 'integer', (col) => col.notNull())
    .addColumn('weight', 'double precision', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) =>
      col.notNull().check(sql`outcome in ('promote', 'continue', 'rollback', 'inconclusive')`),
    )
    .addColumn('reasons', 'jsonb', (col) => col.notNull())
    .addColumn('metrics', 'jsonb', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('rollout_analysis_idx')
    .on('rollout_analysis')
    .columns(['rollout_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rollout_analysis', 'rollout', 'prediction_feedback', 'prediction_log']) {
    await db.schema.dropTable(table).execute();
  }
}
