import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { toJson } from '../platform/db/columns.js';
import type { Database } from '../platform/db/schema.js';
import { modelVersionRef, type ModelVersionRef, type RunId } from './ids.js';
import type { ModelAliasEventTable, ModelVersionTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface RegisteredModel {
  name: string;
  description: string | null;
  createdAt: Date;
  /** How many versions the model has. */
  versionCount: number;
  latestVersion: number;
  /** Alias name → version number. */
  aliases: Record<string, number>;
}

export interface ModelVersion {
  model: string;
  version: number;
  ref: ModelVersionRef;
  runId: RunId;
  artifactKey: string;
  artifactSha256: string;
  /** The input the model expects (feature names and types), as registered. */
  signature: unknown;
  metrics: Record<string, number>;
  datasetId: string | null;
  description: string | null;
  createdAt: Date;
  /** The aliases that point at this version, sorted. */
  aliases: string[];
}

export interface NewModelVersion {
  model: string;
  version: number;
  runId: RunId;
  artifactKey: string;
  artifactSha256: string;
  signature: unknown;
  metrics: Record<string, number>;
  datasetId: string | null;
  description: string | null;
}

export interface AliasEvent {
  id: number;
  model: string;
  alias: string;
  /** Null when the alias was created. */
  fromVersion: number | null;
  /** Null when the alias was deleted. */
  toVersion: number | null;
  actor: string;
  reason: string;
  at: Date;
}

/** Only this module touches the registry tables. */
export class RegistryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Creates the model unless it exists; a concurrent creator waits for the first to commit. */
  async ensureModel(
    trx: Transaction<Database>,
    name: string,
    description: string | null,
  ): Promise<void> {
    await trx
      .insertInto('registered_model')
      .values({ name, description })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  /**
   * Hands out the model's next version number. The update row-locks the model until the
   * transaction ends, so concurrent registrations are numbered one after another.
   */
  async allocateVersion(trx: Transaction<Database>, name: string): Promise<number> {
    const row = await trx
      .updateTable('registered_model')
      .set((eb) => ({ latest_version: eb('latest_version', '+', 1) }))
      .where('name', '=', name)
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    return row.latest_version;
  }

  /** Row-locks the model so alias changes of one model happen one at a time; false if it does not exist. */
  async lockModel(trx: Transaction<Database>, name: string): Promise<boolean> {
    const row = await trx
      .selectFrom('registered_model')
      .select('name')
      .where('name', '=', name)
      .forUpdate()
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertVersion(trx: Transaction<Database>, version: NewModelVersion): Promise<void> {
    await trx
      .insertInto('model_version')
      .values({
        model_name: version.model,
        version: version.version,
        run_id: version.runId,
        artifact_key: version.artifactKey,
        artifact_sha256: version.artifactSha256,
        signature: toJson(version.signature),
        metrics: toJson(version.metrics),
        dataset_id: version.datasetId,
        description: version.description,
      })
      .execute();
  }

  async listModels(): Promise<RegisteredModel[]> {
    return this.models(this.db);
  }

  async findModel(name: string, db: Db = this.db): Promise<RegisteredModel | undefined> {
    return (await this.models(db, name))[0];
  }

  async modelNames(db: Db = this.db): Promise<string[]> {
    const rows = await db.selectFrom('registered_model').select('name').orderBy('name').execute();
    return rows.map((row) => row.name);
  }

  /** The oldest version of `model` whose artifact has this SHA-256, if any. */
  async findVersionByArtifact(model: string, sha256: string): Promise<ModelVersion | undefined> {
    const row = await this.db
      .selectFrom('model_version')
      .select('version')
      .where('model_name', '=', model)
      .where('artifact_sha256', '=', sha256)
      .orderBy('version')
      .executeTakeFirst();
    return row && this.findVersion(model, row.version);
  }

  async findVersion(
    model: string,
    version: number,
    db: Db = this.db,
  ): Promise<ModelVersion | undefined> {
    const row = await db
      .selectFrom('model_version')
      .selectAll()
      .where('model_name', '=', model)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) return undefined;
    const aliases = await this.aliases(model, db);
    return toVersion(row, aliases);
  }

  /** Newest first. */
  async listVersions(model: string, db: Db = this.db): Promise<ModelVersion[]> {
    const rows = await db
      .selectFrom('model_version')
      .selectAll()
      .where('model_name', '=', model)
      .orderBy('version', 'desc')
      .execute();
    const aliases = await this.aliases(model, db);
    return rows.map((row) => toVersion(row, aliases));
  }

  async versionNumbers(model: string, db: Db = this.db): Promise<number[]> {
    const rows = await db
      .selectFrom('model_version')
      .select('version')
      .where('model_name', '=', model)
      .orderBy('version')
      .execute();
    return rows.map((row) => row.version);
  }

  /** Alias name → version for one model. */
  async aliases(model: string, db: Db = this.db): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('model_alias')
      .select(['alias', 'version'])
      .where('model_name', '=', model)
      .orderBy('alias')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.alias, row.version]));
  }

  async findAlias(model: string, alias: string, db: Db = this.db): Promise<number | undefined> {
    const row = await db
      .selectFrom('model_alias')
      .select('version')
      .where('model_name', '=', model)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return row?.version;
  }

  async upsertAlias(
    trx: Transaction<Database>,
    model: string,
    alias: string,
    version: number,
  ): Promise<void> {
    await trx
      .insertInto('model_alias')
      .values({ model_name: model, alias, version })
      .onConflict((oc) =>
        oc.columns(['model_name', 'alias']).doUpdateSet({ version, updated_at: sql<Date>`now()` }),
      )
      .execute();
  }

  async deleteAlias(trx: Transaction<Database>, model: string, alias: string): Promise<void> {
    await trx
      .deleteFrom('model_alias')
      .where('model_name', '=', model)
      .where('alias', '=', alias)
      .execute();
  }

  /** Call in the transaction that changes the alias, so the change and its record commit together. */
  async insertAliasEvent(
    trx: Transaction<Database>,
    event: Omit<AliasEvent, 'id' | 'at'>,
  ): Promise<AliasEvent> {
    const row = await trx
      .insertInto('model_alias_event')
      .values({
        model_name: event.model,
        alias: event.alias,
        from_version: event.fromVersion,
        to_version: event.toVersion,
        actor: event.actor,
        reason: event.reason,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEvent(row);
  }

  /** Newest first. */
  async aliasHistory(model: string, limit: number): Promise<AliasEvent[]> {
    const rows = await this.db
      .selectFrom('model_alias_event')
      .selectAll()
      .where('model_name', '=', model)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  private async models(db: Db, name?: string): Promise<RegisteredModel[]> {
    let query = db
      .selectFrom('registered_model')
      .leftJoin('model_version', 'model_version.model_name', 'registered_model.name')
      .select((eb) => [
        'registered_model.name',
        'registered_model.description',
        'registered_model.created_at',
        eb.fn.count<number>('model_version.version').as('version_count'),
        eb.fn.max('model_version.version').as('latest_version'),
      ])
      .groupBy('registered_model.name')
      .orderBy('registered_model.name');
    if (name !== undefined) query = query.where('registered_model.name', '=', name);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const aliasRows = await db
      .selectFrom('model_alias')
      .select(['model_name', 'alias', 'version'])
      .where(
        'model_name',
        'in',
        rows.map((row) => row.name),
      )
      .orderBy('alias')
      .execute();
    return rows.map((row) => ({
      name: row.name,
      description: row.description,
      createdAt: row.created_at,
      versionCount: Number(row.version_count),
      latestVersion: Number(row.latest_version ?? 0),
      aliases: Object.fromEntries(
        aliasRows
          .filter((alias) => alias.model_name === row.name)
          .map((alias) => [alias.alias, alias.version]),
      ),
    }));
  }
}

function toVersion(
  row: Selectable<ModelVersionTable>,
  aliases: Record<string, number>,
): ModelVersion {
  return {
    model: row.model_name,
    version: row.version,
    ref: modelVersionRef(row.model_name, row.version),
    runId: row.run_id as RunId,
    artifactKey: row.artifact_key,
    artifactSha256: row.artifact_sha256,
    signature: row.signature,
    metrics: row.metrics,
    datasetId: row.dataset_id,
    description: row.description,
    createdAt: row.created_at,
    aliases: Object.entries(aliases)
      .filter(([, version]) => version === row.version)
      .map(([alias]) => alias)
      .sort(),
  };
}

function toEvent(row: Selectable<ModelAliasEventTable>): AliasEvent {
  return {
    id: Number(row.id),
    model: row.model_name,
    alias: row.alias,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    actor: row.actor,
    reason: row.reason,
    at: row.at,
  };
}
