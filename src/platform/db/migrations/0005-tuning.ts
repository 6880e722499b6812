import { sql, type Kysely } from 'kysely';

/**
 * Hyperparameter tuning (our Optuna storage): studies, their trials and the trials'
 * intermediate values. A trial's number is unique per study (primary key); workers allocate
 * numbers while holding the study's row lock, so concurrent workers never collide.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tuning_study')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    // Set just after creation by the process that created the study (the run needs the name).
    .addColumn('run_id', 'text', (col) => col.references('run.id'))
    .addColumn('dataset_id', 'text', (col) => col.notNull())
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('metric', 'text', (col) => col.notNull())
    .addColumn('direction', 'text', (col) =>
      col.notNull().check(sql`direction in ('maximize', 'minimize')`),
    )
    .addColumn('definition', 'jsonb', (col) => col.notNull())
    .addColumn('target_trials', 'integer', (col) => col.notNull().check(sql`target_trials >= 1`))
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('running', 'finalizing', 'complete')`),
    )
    .addColumn('finalizer', 'text')
    .addColumn('finalizer_heartbeat_at', 'timestamptz')
    .addColumn('best_trial', 'integer')
    .addColumn('model_name', 'text')
    .addColumn('model_version', 'integer')
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('tuning_trial')
    .addColumn('study_id', 'text', (col) =>
      col.notNull().references('tuning_study.id').onDelete('cascade'),
    )
    .addColumn('number', 'integer', (col) => col.notNull().check(sql`number >= 0`))
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('running', 'complete', 'pruned', 'failed')`),
    )
    .addColumn('params', 'jsonb', (col) => col.notNull())
    .addColumn('value', 'double precision')
    .addColumn('worker', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.references('run.id'))
    .addColumn('heartbeat_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('tuning_trial_pk', ['study_id', 'number'])
    .execute();
  await db.schema
    .createIndex('tuning_trial_state_idx')
    .on('tuning_trial')
    .columns(['study_id', 'state'])
    .execute();

  await db.schema
    .createTable('tuning_trial_step')
    .addColumn('study_id', 'text', (col) => col.notNull())
    .addColumn('number', 'integer', (col) => col.notNull())
    .addColumn('step', 'integer', (col) => col.notNull().check(sql`step >= 0`))
    .addColumn('value', 'double precision', (col) => col.notNull())
    .addPrimaryKeyConstraint('tuning_trial_step_pk', ['study_id', 'number', 'step'])
    .addForeignKeyConstraint(
      'tuning_trial_step_trial_fk',
      ['study_id', 'number'],
      'tuning_trial',
      ['study_id', 'number'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tuning_trial_step', 'tuning_trial', 'tuning_study']) {
    await db.schema.dropTable(table).execute();
  }
}
