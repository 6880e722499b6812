import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';
import type { LabelledRespondent } from './record.js';
import type { DatasetTable } from './tables.js';
import { NUMERIC_FIELDS, RECORD_FIELDS, type RecordField } from './kaggle-columns.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A dataset version as the rest of sdp sees it. */
export interface DatasetVersion {
  id: string;
  name: string;
  source: string;
  contentHash: string;
  synthetic: boolean;
  rows: number;
  quarantined: number;
  positives: number;
  createdAt: Date;
}

export interface StoredRow {
  position: number;
  line: number;
  sourceId: string | null;
  record: LabelledRespondent;
}

export interface QuarantinedRow {
  line: number;
  reason: string;
  raw: Record<string, string>;
}

/** PostgreSQL array type of each record column, for the `unnest` bulk insert. */
function arrayType(field: RecordField): string {
  if (field === 'depression') return 'smallint[]';
  return NUMERIC_FIELDS.has(field) ? 'float8[]' : 'text[]';
}

/** A text array element that must be escaped inside double quotes. */
const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal of numbers, e.g. `{1,2.5,NULL}`. A number's JavaScript text is
 * the shortest that reads back as the same double, so values arrive exactly. Built with one
 * `join`: concatenating element by element costs several times more time and garbage.
 */
/** `values` is a scratch array: its nulls are replaced in place. */
function numberArrayLiteral(values: unknown[]): string {
  for (let i = 0; i < values.length; i++) if (values[i] == null) values[i] = 'NULL';
  return `{${values.join(',')}}`;
}

/** A PostgreSQL array literal of text, every element double-quoted: `{"a","b \\"c\\"",NULL}`. */
function textArrayLiteral(values: unknown[]): string {
  let plain = true;
  for (let i = 0; plain && i < values.length; i++) {
    const value = values[i];
    plain = typeof value === 'string' && !NEEDS_ESCAPE.test(value);
  }
  if (plain) return `{"${values.join('","')}"}`;
  const elements = values.map((value) =>
    value == null ? 'NULL' : `"${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `{${elements.join(',')}}`;
}

/** Only this module touches the dataset tables. */
export class DatasetRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Runs `work` in one transaction: a dataset is stored whole or not at all. */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async create(
    trx: Db,
    dataset: {
      id: string;
      name: string;
      source: string;
      contentHash: string;
      fileSha256: string | null;
      synthetic: boolean;
      rows: number;
      quarantined: number;
      positives: number;
      validation: unknown;
      config: unknown;
    },
  ): Promise<DatasetVersion> {
    const row = await trx
      .insertInto('dataset')
      .values({
        id: dataset.id,
        name: dataset.name,
        source: dataset.source,
        content_hash: dataset.contentHash,
        file_sha256: dataset.fileSha256,
        synthetic: dataset.synthetic,
        row_count: dataset.rows,
        quarantined_count: dataset.quarantined,
        positive_count: dataset.positives,
        validation: toJson(dataset.validation),
        config: toJson(dataset.config),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion(row);
  }

  /**
   * Appends rows with one statement per batch: each column goes as one array parameter and
   * `unnest` turns them back into rows, so a batch of thousands costs a single round trip and
   * stays far below PostgreSQL's parameter limit. The array literals are written here, as text
   * (`$1::text::float8[]`): several times cheaper than the drivers' generic array encoding,
   * and the same on PostgreSQL and PGlite.
   */
  async insertRows(trx: Db, datasetId: string, rows: readonly StoredRow[]): Promise<void> {
    if (rows.length === 0) return;
    const literals = [
      numberArrayLiteral(rows.map((row) => row.position)),
      numberArrayLiteral(rows.map((row) => row.line)),
      textArrayLiteral(rows.map((row) => row.sourceId)),
      ...RECORD_FIELDS.map((field) => {
        const values = rows.map((row) => row.record[field]);
        return arrayType(field) === 'text[]'
          ? textArrayLiteral(values)
          : numberArrayLiteral(values);
      }),
    ];
    const types = ['int4[]', 'int4[]', 'text[]', ...RECORD_FIELDS.map(arrayType)];
    const list = sql.join(
      literals.map((literal, i) => sql`${literal}::text::${sql.raw(types[i])}`),
    );
    const names = sql.join(
      ['position', 'line', 'source_id', ...RECORD_FIELDS].map((name) => sql.ref(name)),
    );
    await sql`insert into dataset_row (dataset_id, ${names})
      select ${datasetId}, * from unnest(${list})`.execute(trx);
  }

  async insertQuarantine(
    trx: Db,
    datasetId: string,
    rows: readonly QuarantinedRow[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await trx
      .insertInto('dataset_quarantine')
      .values(
        rows.map((row) => ({
          dataset_id: datasetId,
          line: row.line,
          reason: row.reason,
          raw: toJson(row.raw),
        })),
      )
      .execute();
  }

  /** Pass the open transaction when there is one: embedded PGlite has a single connection. */
  async findByContentHash(
    contentHash: string,
    db: Db = this.db,
  ): Promise<DatasetVersion | undefined> {
    const row = await db
      .selectFrom('dataset')
      .selectAll()
      .where('content_hash', '=', contentHash)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async findByFileSha256(fileSha256: string): Promise<DatasetVersion | undefined> {
    const row = await this.db
      .selectFrom('dataset')
      .selectAll()
      .where('file_sha256', '=', fileSha256)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  /** A dataset by id, or the newest version with that name. */
  async resolve(idOrName: string): Promise<DatasetVersion | undefined> {
    const row = await this.db
      .selectFrom('dataset')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .orderBy(sql`id = ${idOrName}`, 'desc')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async list(): Promise<DatasetVersion[]> {
    const rows = await this.db
      .selectFrom('dataset')
      .selectAll()
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toVersion);
  }

  async validationReport(datasetId: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('dataset')
      .select('validation')
      .where('id', '=', datasetId)
      .executeTakeFirst();
    return row?.validation;
  }

  /** The records of a dataset in file order, read in pages so memory stays flat. */
  async *rows(datasetId: string, pageSize = 10_000): AsyncIterable<StoredRow> {
    let after = -1;
    for (;;) {
      const page = await this.db
        .selectFrom('dataset_row')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('position', '>', after)
        .orderBy('position')
        .limit(pageSize)
        .execute();
      for (const row of page) {
        const { dataset_id: _d, position, line, source_id, ...record } = row;
        yield { position, line, sourceId: source_id, record: record as LabelledRespondent };
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1].position;
    }
  }

  async quarantine(datasetId: string, limit = 1000): Promise<QuarantinedRow[]> {
    const rows = await this.db
      .selectFrom('dataset_quarantine')
      .select(['line', 'reason', 'raw'])
      .where('dataset_id', '=', datasetId)
      .orderBy('line')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ line: row.line, reason: row.reason, raw: row.raw }));
  }

  /** Row counts of the three tables, for tests that check nothing was half-written. */
  async tableCounts(): Promise<{ datasets: number; rows: number; quarantined: number }> {
    const count = async (table: 'dataset' | 'dataset_row' | 'dataset_quarantine') =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select(sql<number>`count(*)`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      datasets: await count('dataset'),
      rows: await count('dataset_row'),
      quarantined: await count('dataset_quarantine'),
    };
  }
}

function toVersion(row: Selectable<DatasetTable>): DatasetVersion {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    contentHash: row.content_hash,
    synthetic: row.synthetic,
    rows: row.row_count,
    quarantined: row.quarantined_count,
    positives: row.positive_count,
    createdAt: row.created_at,
  };
}
