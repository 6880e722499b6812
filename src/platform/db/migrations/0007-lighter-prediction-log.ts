import { sql, type Kysely } from 'kysely';

/**
 * A cheaper prediction log to write: shadow rows no longer repeat the inputs (the champion
 * row of the same request key holds them), and the rollout index only covers rows written
 * during a rollout, so serving a single champion maintains one index instead of two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table prediction_log alter column inputs drop not null`.execute(db);
  await sql`drop index prediction_log_rollout_idx`.execute(db);
  await sql`create index prediction_log_rollout_idx on prediction_log (rollout_id, at)
    where rollout_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index prediction_log_rollout_idx`.execute(db);
  await sql`create index prediction_log_rollout_idx on prediction_log (rollout_id, at)`.execute(db);
  // Shadow rows take their champion row's inputs back (or an empty object when it is gone).
  await sql`update prediction_log s set inputs = coalesce(
      (select c.inputs from prediction_log c
        where c.request_key = s.request_key and c.inputs is not null limit 1), '{}'::json)
    where s.inputs is null`.execute(db);
  await sql`alter table prediction_log alter column inputs set not null`.execute(db);
}
