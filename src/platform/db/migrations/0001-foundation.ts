import { sql, type Kysely } from 'kysely';

/** The in-process job queue's table: job state survives a restart of the embedded server. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('queue', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('waiting', 'active', 'completed', 'failed')`),
    )
    .addColumn('attempts_made', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (col) => col.notNull())
    .addColumn('backoff_ms', 'integer', (col) => col.notNull())
    .addColumn('progress', 'jsonb')
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('run_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Which worker instance holds the job while active; with heartbeat_at it tells a live
    // worker from a dead one, and it fences writes from a worker that lost the job.
    .addColumn('locked_by', 'text')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('job_ready_idx')
    .on('job')
    .columns(['queue', 'state', 'run_at'])
    .execute();
  // Listing a queue newest first (the JSON board, `sdp jobs`).
  await db.schema
    .createIndex('job_created_idx')
    .on('job')
    .columns(['queue', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job').execute();
}
