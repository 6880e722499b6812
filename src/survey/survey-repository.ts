import { sql, type Kysely } from 'kysely';
import type { Respondent } from '../data/record.js';
import { toJson } from '../platform/db/columns.js';
import { GroupCommit } from '../platform/db/group-commit.js';
import type { Database } from '../platform/db/schema.js';
import type { ResponseState } from './tables.js';

/** A response as written: everything but what the database adds. */
export interface NewResponse {
  submissionId: string;
  receiptCode: string;
  payloadHash: string;
  submittedOn: string;
  questionnaireVersion: string;
  locale: string;
  state: ResponseState;
  reviewReason: string | null;
  answers: Record<string, string | number | null>;
  record: Respondent | null;
  phq9Total: number;
  phq9Label: 0 | 1;
}

/** What a repeated submission id finds. */
export interface ExistingResponse {
  payloadHash: string;
  receiptCode: string;
  phq9Total: number;
}

/** A response that went to the training data, as read for exports and dataset versions. */
export interface TrainingResponse {
  submissionId: string;
  submittedOn: string;
  record: Respondent;
  phq9Label: 0 | 1;
}

export type InsertOutcome = { inserted: true } | { inserted: false; existing: ExistingResponse };

/** Only this module touches the survey tables. */
export class SurveyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private readonly inserts = new GroupCommit((responses: NewResponse[]) =>
    this.insertGroup(responses),
  );

  /**
   * Inserts a response unless its submission id is stored already; concurrent duplicates are
   * settled by the primary key, so exactly one row exists whatever the timing.
   *
   * Inserts that arrive while one is being written go together in the next statement (group
   * commit): each caller hears back only after the commit that holds its row.
   */
  insert(response: NewResponse): Promise<InsertOutcome> {
    return this.inserts.submit(response);
  }

  private async insertGroup(responses: NewResponse[]): Promise<InsertOutcome[]> {
    const inserted = await this.db
      .insertInto('survey_response')
      .values(
        responses.map((response) => ({
          submission_id: response.submissionId,
          receipt_code: response.receiptCode,
          payload_hash: response.payloadHash,
          submitted_on: response.submittedOn,
          questionnaire_version: response.questionnaireVersion,
          locale: response.locale,
          state: response.state,
          review_reason: response.reviewReason,
          answers: toJson(response.answers),
          record: toJson(response.record),
          phq9_total: response.phq9Total,
          phq9_label: response.phq9Label,
        })),
      )
      .onConflict((conflict) => conflict.column('submission_id').doNothing())
      .returning(['submission_id', 'receipt_code'])
      .execute();
    // A row is ours when it was inserted with our receipt code (the same id twice in one
    // group inserts once: the first wins, the second finds it below).
    const ours = new Set(inserted.map((row) => `${row.submission_id} ${row.receipt_code}`));
    const others = responses.filter((r) => !ours.has(`${r.submissionId} ${r.receiptCode}`));
    const existing = new Map<string, ExistingResponse>();
    if (others.length > 0) {
      const rows = await this.db
        .selectFrom('survey_response')
        .select(['submission_id', 'payload_hash', 'receipt_code', 'phq9_total'])
        .where(
          'submission_id',
          'in',
          others.map((r) => r.submissionId),
        )
        .execute();
      for (const row of rows) {
        existing.set(row.submission_id, {
          payloadHash: row.payload_hash,
          receiptCode: row.receipt_code,
          phq9Total: row.phq9_total,
        });
      }
    }
    return responses.map((response) => {
      if (ours.has(`${response.submissionId} ${response.receiptCode}`)) return { inserted: true };
      const found = existing.get(response.submissionId);
      if (!found)
        throw new Error(`survey response ${response.submissionId} neither inserted nor found`);
      return { inserted: false, existing: found };
    });
  }

  async submissionOfReceipt(receiptCode: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('survey_response')
      .select('submission_id')
      .where('receipt_code', '=', receiptCode)
      .executeTakeFirst();
    return row?.submission_id;
  }

  /** Deletes the response with this receipt code; false when there is none. */
  async deleteByReceipt(receiptCode: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('survey_response')
      .where('receipt_code', '=', receiptCode)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Training responses submitted on or after `since` and before `before` (`YYYY-MM-DD` days), ordered by day and
   * then by the random submission id, so the order within a day reveals nothing. Pass the
   * open transaction when there is one: embedded PGlite has a single connection.
   */
  async trainingResponses(since: string | undefined, before?: string): Promise<TrainingResponse[]> {
    let query = this.db
      .selectFrom('survey_response')
      .select(['submission_id', sql<string>`submitted_on::text`.as('day'), 'record', 'phq9_label'])
      .where('state', '=', 'training');
    if (since) query = query.where('submitted_on', '>=', since);
    if (before) query = query.where('submitted_on', '<', before);
    const rows = await query.orderBy('submitted_on').orderBy('submission_id').execute();
    return rows.map((row) => ({
      submissionId: row.submission_id,
      submittedOn: row.day,
      record: row.record as Respondent,
      phq9Label: row.phq9_label as 0 | 1,
    }));
  }

  /** Responses per state, for operators (counts only). */
  async countByState(): Promise<Record<ResponseState, number>> {
    const rows = await this.db
      .selectFrom('survey_response')
      .select(['state', sql<number>`count(*)::int`.as('count')])
      .groupBy('state')
      .execute();
    const counts: Record<ResponseState, number> = { training: 0, manual_review: 0 };
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  /** Every response, reduced to what aggregates need (`sdp survey stats`). */
  async aggregateRows(): Promise<AggregateRow[]> {
    const rows = await this.db
      .selectFrom('survey_response')
      .select(['answers', 'phq9_total', 'phq9_label'])
      .execute();
    return rows.map((row) => {
      const answers = row.answers as Record<string, string | number | null>;
      return {
        age: answers.age as number,
        gender: (answers.gender as string | null) ?? null,
        city: (answers.city as string | null) ?? null,
        degree: (answers.degree as string | null) ?? null,
        phq9Total: row.phq9_total,
        phq9Label: row.phq9_label as 0 | 1,
      };
    });
  }
}

/** What aggregate views read: the quasi-identifying answers and the score, nothing else. */
export interface AggregateRow {
  age: number;
  gender: string | null;
  city: string | null;
  degree: string | null;
  phq9Total: number;
  phq9Label: 0 | 1;
}
