import { sql, type Kysely } from 'kysely';

/** Pipeline runs and task runs (src/pipelines), pause state, and the scheduler's lease. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_run')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('pipeline', 'text', (col) => col.notNull())
    .addColumn('run_key', 'text', (col) => col.notNull())
    .addColumn('trigger', 'text', (col) =>
      col.notNull().check(sql`trigger in ('schedule', 'manual', 'backfill', 'alarm')`),
    )
    .addColumn('interval_start', 'timestamptz')
    .addColumn('interval_end', 'timestamptz')
    .addColumn('params', 'jsonb', (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('queued', 'running', 'succeeded', 'failed', 'skipped')`),
    )
    .addColumn('summary', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('pipeline_run_key_unique', ['pipeline', 'run_key'])
    .execute();
  // One running run per pipeline, enforced where two processes could race to start one.
  await sql`create unique index pipeline_run_one_running on pipeline_run (pipeline) where state = 'running'`.execute(
    db,
  );
  await db.schema
    .createIndex('pipeline_run_by_pipeline')
    .on('pipeline_run')
    .columns(['pipeline', 'created_at'])
    .execute();
  await db.schema
    .createTable('pipeline_task_run')
    .addColumn('run_id', 'text', (col) =>
      col.notNull().references('pipeline_run.id').onDelete('cascade'),
    )
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`state in ('pending', 'queued', 'running', 'up_for_retry', 'succeeded', 'failed', 'skipped')`,
        ),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .addColumn('next_try_at', 'timestamptz')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('output', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('log', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('pipeline_task_run_pk', ['run_id', 'task_id'])
    .execute();
  await db.schema
    .createTable('pipeline_control')
    .addColumn('pipeline', 'text', (col) => col.primaryKey())
    .addColumn('paused', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('paused_by', 'text')
    .addColumn('fired_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('scheduler_lease')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('holder', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('acquired_at', 'timestamptz', (col) => col.notNull())
    .addColumn('generation', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduler_lease').execute();
  await db.schema.dropTable('pipeline_control').execute();
  await db.schema.dropTable('pipeline_task_run').execute();
  await db.schema.dropTable('pipeline_run').execute();
}
