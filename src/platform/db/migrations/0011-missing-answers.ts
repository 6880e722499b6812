import { sql, type Kysely } from 'kysely';

/** The survey's optional items, which a respondent may skip: missing values in a dataset row. */
const OPTIONAL_COLUMNS = ['gender', 'city', 'cgpa', 'family_history', 'suicidal_thoughts'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of OPTIONAL_COLUMNS)
    await sql`alter table dataset_row alter column ${sql.ref(column)} drop not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Fails (and changes nothing, the migration runs in a transaction) while rows hold a
  // missing value: those rows would have to be deleted first, which is not ours to decide.
  for (const column of OPTIONAL_COLUMNS)
    await sql`alter table dataset_row alter column ${sql.ref(column)} set not null`.execute(db);
}
