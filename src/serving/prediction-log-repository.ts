import { sql, type Kysely } from 'kysely';
import type { Respondent } from '../data/record.js';
import { GroupCommit } from '../platform/db/group-commit.js';
import type { Database } from '../platform/db/schema.js';
import type { PredictionLogEntry, PredictionLogSink } from './prediction-log.js';
import type { PredictionRoute } from './tables.js';

/** A logged prediction as the rollout analysis reads it, with its label when one arrived. */
export interface LoggedPrediction {
  route: PredictionRoute;
  version: number;
  requestKey: string;
  /** Null on shadow rows (see PredictionLogEntry). */
  inputs: Respondent | null;
  probability: number | null;
  latencyUs: number;
  error: string | null;
  label: 0 | 1 | null;
}

/** Only this module touches the prediction log and feedback tables. */
export class PredictionLogRepository implements PredictionLogSink<string> {
  constructor(private readonly db: Kysely<Database>) {}

  /** One entry as a JSON object of its columns (see `write`). */
  encode(e: PredictionLogEntry): string {
    return JSON.stringify({
      at: new Date(e.at).toISOString(),
      model_name: e.model,
      version: e.version,
      route: e.route,
      request_key: e.requestKey,
      rollout_id: e.rolloutId,
      inputs: e.inputs,
      probability: e.probability,
      label: e.label,
      latency_us: e.latencyUs,
      error: e.error,
    });
  }

  /**
   * Inserts a batch of encoded entries as one statement with one parameter: the rows as a
   * JSON array, expanded by `json_to_recordset`. That keeps the statement small and the same
   * on both drivers, whatever the batch size (a VALUES list would need 11 parameters per row).
   */
  async write(rows: readonly string[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      insert into prediction_log
        (at, model_name, version, route, request_key, rollout_id, inputs, probability, label, latency_us, error)
      select at, model_name, version, route, request_key, rollout_id, inputs, probability, label, latency_us, error
      from json_to_recordset(${`[${rows.join(',')}]`}::json) as r(
        at timestamptz, model_name text, version integer, route text, request_key text,
        rollout_id text, inputs json, probability double precision, label smallint,
        latency_us integer, error text)`.execute(this.db);
  }

  /** Stores a label by request key (the newest wins); concurrent calls share one commit. */
  upsertFeedback(requestKey: string, label: 0 | 1): Promise<void> {
    return this.feedback.submit({ requestKey, label });
  }

  private readonly feedback = new GroupCommit(
    async (items: { requestKey: string; label: 0 | 1 }[]): Promise<void[]> => {
      // One statement may not update a row twice: keep each key's last label.
      const latest = new Map(items.map((item) => [item.requestKey, item.label]));
      await this.db
        .insertInto('prediction_feedback')
        .values([...latest].map(([request_key, label]) => ({ request_key, label })))
        .onConflict((oc) =>
          oc.column('request_key').doUpdateSet((eb) => ({
            label: eb.ref('excluded.label'),
            received_at: new Date(),
          })),
        )
        .execute();
      return items.map(() => undefined);
    },
  );

  async hasPrediction(requestKey: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('prediction_log')
      .select('id')
      .where('request_key', '=', requestKey)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A rollout's predictions since `since`, newest first, with labels joined. */
  async window(rolloutId: string, since: Date, limit: number): Promise<LoggedPrediction[]> {
    const rows = await this.db
      .selectFrom('prediction_log as p')
      .leftJoin('prediction_feedback as f', 'f.request_key', 'p.request_key')
      .select([
        'p.route',
        'p.version',
        'p.request_key',
        'p.inputs',
        'p.probability',
        'p.latency_us',
        'p.error',
        'f.label',
      ])
      .where('p.rollout_id', '=', rolloutId)
      .where('p.at', '>=', since)
      .orderBy('p.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      route: row.route,
      version: row.version,
      requestKey: row.request_key,
      inputs: row.inputs as Respondent | null,
      probability: row.probability,
      latencyUs: row.latency_us,
      error: row.error,
      label: row.label === null ? null : (row.label as 0 | 1),
    }));
  }

  /** Counts by route of a rollout's predictions since `since` (for status). */
  async countsByRoute(rolloutId: string, since: Date): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('prediction_log')
      .select(['route', (eb) => eb.fn.countAll<string>().as('n')])
      .where('rollout_id', '=', rolloutId)
      .where('at', '>=', since)
      .groupBy('route')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.route, Number(row.n)]));
  }
}
