import { sql, type Kysely } from 'kysely';

/** Identities (API tokens, users and their browser sessions) and the audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const role = sql`role in ('viewer', 'operator', 'admin', 'predict')`;
  await db.schema
    .createTable('access_token')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().check(role))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('app_user')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('role', 'text', (col) => col.notNull().check(role))
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('user_session')
    .addColumn('session_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_name', 'text', (col) => col.references('app_user.name').onDelete('cascade'))
    .addColumn('token_id', 'text', (col) => col.references('access_token.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('user_session_identity', sql`(user_name is null) <> (token_id is null)`)
    .execute();
  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_event_at_idx').on('audit_event').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_event', 'user_session', 'app_user', 'access_token'])
    await db.schema.dropTable(table).execute();
}
