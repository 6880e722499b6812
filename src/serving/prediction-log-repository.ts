import { sql, type Kysely } from 'kysely';
import type { Respondent } from '../data/record.js';
import { GroupCommit } from '../platform/db/group-commit.js';
import type { Database } from '../platform/db/schema.js';
import type { PredictionLogEntry, PredictionLogSink } from './prediction-log.js';
import { isSurveyKey, SURVEY_KEY_PREFIX } from './survey-hook.js';
import type { PredictionRoute } from './tables.js';

/** The start of the UTC day of `at`: the only time kept for what is linked to a survey response. */
const dayOf = (at: number | Date): string => new Date(at).toISOString().slice(0, 10) + 'T00:00:00Z';

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
      // A survey response keeps only its UTC day; so does its prediction.
      at: isSurveyKey(e.requestKey) ? dayOf(e.at) : new Date(e.at).toISOString(),
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

  /**
   * Stores the label of a request key, once: true when stored, false when the key already
   * had one (a label is ground truth; a second one is refused, not a correction). Kept with
   * the UTC day it arrived, nothing finer. Concurrent calls share one commit.
   */
  addFeedback(requestKey: string, label: 0 | 1): Promise<boolean> {
    return this.feedback.submit({ requestKey, label });
  }

  private readonly feedback = new GroupCommit(
    async (items: { requestKey: string; label: 0 | 1 }[]): Promise<boolean[]> => {
      // The first label of each key in the batch is the one offered to the table.
      const first = new Map<string, 0 | 1>();
      for (const item of items)
        if (!first.has(item.requestKey)) first.set(item.requestKey, item.label);
      const stored = await this.db
        .insertInto('prediction_feedback')
        .values(
          [...first].map(([request_key, label]) => ({
            request_key,
            label,
            received_at: dayOf(Date.now()),
          })),
        )
        .onConflict((oc) => oc.column('request_key').doNothing())
        .returning('request_key')
        .execute();
      const inserted = new Set(stored.map((row) => row.request_key));
      return items.map((item, i) => {
        const firstOfKey = items.findIndex((other) => other.requestKey === item.requestKey) === i;
        return firstOfKey && inserted.has(item.requestKey);
      });
    },
  );

  /** Deletes every prediction and the label logged under a request key. */
  async forget(requestKey: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('prediction_log').where('request_key', '=', requestKey).execute();
      await trx.deleteFrom('prediction_feedback').where('request_key', '=', requestKey).execute();
    });
  }

  /** Whether a prediction was logged under this key; concurrent calls share one query. */
  hasPrediction(requestKey: string): Promise<boolean> {
    return this.predicted.submit(requestKey);
  }

  private readonly predicted = new GroupCommit(async (keys: string[]): Promise<boolean[]> => {
    const rows = await this.db
      .selectFrom('prediction_log')
      .select('request_key')
      .distinct()
      .where('request_key', 'in', [...new Set(keys)])
      .execute();
    const found = new Set(rows.map((row) => row.request_key));
    return keys.map((key) => found.has(key));
  });

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
      .where(sinceCondition(since, 'p'))
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

  /**
   * A model's answered predictions in [from, to) (at most `limit`, the newest; shadow rows hold
   * no inputs), column by column — per numeric feature its non-missing values, per other
   * feature its value counts, and the scores — without making 100,000 row objects: the rows'
   * JSON comes back as one text, parsed once here. The current window of a drift report.
   * Survey rows, logged at their day, count from that day.
   */
  async columns(
    model: string,
    window: { from: Date; to: Date; limit: number },
    features: { numeric: readonly string[]; categorical: readonly string[] },
  ): Promise<{
    rows: number;
    numbers: Record<string, Float64Array>;
    categories: Record<string, Map<string, number>>;
    probabilities: Float64Array;
  }> {
    // Page by page (newest first), each page's JSON as one text parsed here: JSON per field in
    // the database costs more (embedded PGlite), one text crosses the worker boundary faster
    // than many rows, and a page at a time keeps memory flat.
    const numbers = Object.fromEntries(features.numeric.map((f) => [f, [] as number[]]));
    const categories = Object.fromEntries(
      features.categorical.map((f) => [f, new Map<string, number>()]),
    );
    const probabilities: number[] = [];
    let rowsRead = 0;
    let before: number | null = null;
    while (rowsRead < window.limit) {
      const size = Math.min(COLUMN_PAGE_ROWS, window.limit - rowsRead);
      const { rows } = await sql<{
        inputs: string | null;
        probabilities: number[] | null;
        last: number | null;
      }>`
        select '[' || string_agg(w.inputs::text, ',') || ']' as inputs,
          array_agg(w.probability) as probabilities, min(w.id)::int as last
        from (
          select p.id, p.inputs, p.probability from prediction_log p
          where p.model_name = ${model} and p.route <> 'shadow' and p.inputs is not null
            and p.probability is not null and ${sinceCondition(window.from, 'p')} and p.at < ${window.to}
            ${before === null ? sql`` : sql`and p.id < ${before}`}
          order by p.id desc limit ${size}) w`.execute(this.db);
      const page = JSON.parse(rows[0].inputs ?? '[]') as Record<string, unknown>[];
      for (const row of page) {
        for (const feature of features.numeric)
          if (typeof row[feature] === 'number') numbers[feature].push(row[feature] as number);
        for (const feature of features.categorical) {
          const value = row[feature];
          if (value === null || value === undefined) continue;
          const counts = categories[feature];
          counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
        }
      }
      probabilities.push(...(rows[0].probabilities ?? []));
      rowsRead += page.length;
      before = rows[0].last;
      if (page.length < size) break;
    }
    return {
      rows: rowsRead,
      numbers: Object.fromEntries(
        Object.entries(numbers).map(([f, v]) => [f, Float64Array.from(v)]),
      ),
      categories,
      probabilities: Float64Array.from(probabilities),
    };
  }

  /**
   * A model's scored predictions in [from, to) that have ground truth (a PHQ-9 label or
   * feedback), with the version and route that scored them, oldest first. Shadow rows carry
   * the challenger's score and no inputs (the champion row of the same key has them).
   */
  async labelled(
    model: string,
    window: { from: Date; to: Date; limit: number },
  ): Promise<
    {
      version: number;
      route: string;
      inputs: Respondent | null;
      probability: number;
      predicted: 0 | 1 | null;
      label: 0 | 1;
    }[]
  > {
    const rows = await this.db
      .selectFrom('prediction_log as p')
      .innerJoin('prediction_feedback as f', 'f.request_key', 'p.request_key')
      .select([
        'p.version',
        'p.route',
        'p.inputs',
        'p.probability',
        'p.label as predicted',
        'f.label',
      ])
      .where('p.model_name', '=', model)
      .where('p.probability', 'is not', null)
      .where(sinceCondition(window.from, 'p'))
      .where('p.at', '<', window.to)
      .orderBy('p.id')
      .limit(window.limit)
      .execute();
    return rows.map((row) => ({
      version: row.version,
      route: row.route,
      inputs: row.inputs as Respondent | null,
      probability: row.probability!,
      predicted: row.predicted === null ? null : (row.predicted as 0 | 1),
      label: row.label as 0 | 1,
    }));
  }

  /** Counts by route of a rollout's predictions since `since` (for status). */
  async countsByRoute(rolloutId: string, since: Date): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('prediction_log')
      .select(['route', (eb) => eb.fn.countAll<string>().as('n')])
      .where('rollout_id', '=', rolloutId)
      .where(sinceCondition(since))
      .groupBy('route')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.route, Number(row.n)]));
  }
}

/**
 * Predictions logged since `since`: survey-keyed ones carry only their day, so for them the
 * day of `since` counts (within one rollout: they may predate its current step by hours).
 */
/** Rows of the prediction log read per query by `columns`. */
const COLUMN_PAGE_ROWS = 10_000;

function sinceCondition(since: Date, table = 'prediction_log') {
  const at = sql.ref(`${table}.at`);
  const key = sql.ref(`${table}.request_key`);
  return sql<boolean>`(${at} >= ${since} or (${key} like ${`${SURVEY_KEY_PREFIX}%`} and ${at} >= ${dayOf(since)}::timestamptz))`;
}
