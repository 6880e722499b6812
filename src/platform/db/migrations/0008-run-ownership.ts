import { sql, type Kysely } from 'kysely';

/**
 * Runs know who runs them: the job that started one (at most one live run per job id, so a
 * job that runs twice cannot train twice) and a heartbeat, so that a run whose process died
 * is marked failed instead of staying `running` forever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table run add column job_id text, add column heartbeat_at timestamptz`.execute(
    db,
  );
  await sql`create unique index run_job_idx on run (job_id) where job_id is not null`.execute(db);
  await sql`create index run_running_idx on run (heartbeat_at) where status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index run_running_idx`.execute(db);
  await sql`drop index run_job_idx`.execute(db);
  await sql`alter table run drop column heartbeat_at, drop column job_id`.execute(db);
}
