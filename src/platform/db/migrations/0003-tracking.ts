import { sql, type Kysely } from 'kysely';

/**
 * Experiment tracking and the model registry (our MLflow): experiments, runs with their
 * params, metric series and artifacts, registered models with numbered versions, aliases and
 * the audit log of every alias change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiment')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('run')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('experiment_id', 'text', (col) => col.notNull().references('experiment.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('running', 'finished', 'failed', 'killed')`),
    )
    .addColumn('params', 'jsonb', (col) => col.notNull())
    .addColumn('config', 'jsonb', (col) => col.notNull())
    // No foreign key to dataset: a run may train on rows generated in memory (synthetic data
    // that was never stored); the content hash identifies the data either way.
    .addColumn('dataset_id', 'text')
    .addColumn('dataset_hash', 'text')
    .addColumn('tags', 'jsonb', (col) => col.notNull())
    .addColumn('seed', 'bigint')
    .addColumn('code_version', 'text')
    .addColumn('parent_run_id', 'text', (col) => col.references('run.id'))
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('run_experiment_idx')
    .on('run')
    .columns(['experiment_id', 'started_at'])
    .execute();
  await db.schema.createIndex('run_started_idx').on('run').column('started_at').execute();
  await db.schema.createIndex('run_parent_idx').on('run').column('parent_run_id').execute();

  await db.schema
    .createTable('run_metric')
    // Identity keeps the logging order of points that share a step.
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('run_id', 'text', (col) => col.notNull().references('run.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('step', 'bigint', (col) => col.notNull())
    .addColumn('value', 'double precision', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('run_metric_series_idx')
    .on('run_metric')
    .columns(['run_id', 'key', 'step'])
    .execute();

  await db.schema
    .createTable('run_artifact')
    .addColumn('run_id', 'text', (col) => col.notNull().references('run.id').onDelete('cascade'))
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('blob_key', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn('content_type', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('run_artifact_pk', ['run_id', 'path'])
    .execute();

  await db.schema
    .createTable('registered_model')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('description', 'text')
    // The last version number handed out: incrementing it row-locks the model, so concurrent
    // registrations get consecutive, distinct numbers.
    .addColumn('latest_version', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('model_version')
    .addColumn('model_name', 'text', (col) => col.notNull().references('registered_model.name'))
    .addColumn('version', 'integer', (col) => col.notNull().check(sql`version >= 1`))
    .addColumn('run_id', 'text', (col) => col.notNull().references('run.id'))
    .addColumn('artifact_key', 'text', (col) => col.notNull())
    .addColumn('artifact_sha256', 'text', (col) => col.notNull())
    .addColumn('signature', 'jsonb', (col) => col.notNull())
    .addColumn('metrics', 'jsonb', (col) => col.notNull())
    .addColumn('dataset_id', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('model_version_pk', ['model_name', 'version'])
    .execute();
  await db.schema
    .createIndex('model_version_run_idx')
    .on('model_version')
    .column('run_id')
    .execute();

  await db.schema
    .createTable('model_alias')
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('alias', 'text', (col) => col.notNull().check(sql`alias ~ '^[a-z][a-z0-9_-]*$'`))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('model_alias_pk', ['model_name', 'alias'])
    .addForeignKeyConstraint('model_alias_version_fk', ['model_name', 'version'], 'model_version', [
      'model_name',
      'version',
    ])
    .execute();

  await db.schema
    .createTable('model_alias_event')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('model_name', 'text', (col) => col.notNull().references('registered_model.name'))
    .addColumn('alias', 'text', (col) => col.notNull())
    // Null from_version: the alias was created; null to_version: it was deleted.
    .addColumn('from_version', 'integer')
    .addColumn('to_version', 'integer')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('model_alias_event_idx')
    .on('model_alias_event')
    .columns(['model_name', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'model_alias_event',
    'model_alias',
    'model_version',
    'registered_model',
    'run_artifact',
    'run_metric',
    'run',
    'experiment',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
