import { createHash } from 'node:crypto';
import type { Respondent } from '../data/record.js';
import type { Logger } from '../platform/log/logger.js';
import { phq9Score, type Phq9Score } from './phq9.js';
import { ITEMS } from './questionnaire.js';
import { newReceiptCode, normaliseReceiptCode, RECEIPT_CODE_PATTERN } from './receipt-code.js';
import { toRecord } from './record-mapping.js';
import type { Submission } from './submission.js';
import type { SurveyRepository } from './survey-repository.js';

/** What the scoring hook hears about each response that goes to the training data. */
export interface ResponseStoredEvent {
  /** Also the prediction's request key, so the PHQ-9 label can be joined to it. */
  submissionId: string;
  record: Respondent;
  phq9Label: 0 | 1;
}

/**
 * Called once after a training response is stored (not for replays or reviewed responses).
 * The lead wires it to the prediction service: `predict(record, { requestKey: submissionId })`
 * then `recordOutcome(submissionId, phq9Label)`. A failure is logged; the response stays stored.
 */
export type OnResponseStored = (event: ResponseStoredEvent) => Promise<void>;

/**
 * Called before a response is deleted, to delete what was derived from it (its prediction
 * and label). A failure leaves the response in place, so the deletion can be tried again.
 */
export type OnResponseDeleted = (submissionId: string) => Promise<void>;

export type SubmitOutcome =
  | { status: 'created' | 'replayed'; receiptCode: string; phq9: Phq9Score }
  /** The submission id was used before with other answers. */
  | { status: 'conflict' };

export interface SurveyServiceOptions {
  repository: SurveyRepository;
  maxUnansweredShare: number;
  log: Logger;
  onResponseStored?: OnResponseStored;
  onResponseDeleted?: OnResponseDeleted;
  /** Today's UTC day, `YYYY-MM-DD`: the only time stored with a response. */
  today?: () => string;
}

const utcToday = () => new Date().toISOString().slice(0, 10);

/** Same answers, same hash: what makes a retried submit recognisable. */
function payloadHash(submission: Submission): string {
  const canonical = ITEMS.map((item) => submission.answers[item.id] ?? null);
  return createHash('sha256')
    .update(JSON.stringify([submission.questionnaireVersion, canonical]))
    .digest('hex');
}

/** The rules of the survey: scoring, review state, idempotency, deletion, the scoring hook. */
export class SurveyService {
  private readonly today: () => string;
  /** Scoring still running after its response was acknowledged (see `drain`). */
  private readonly scoring = new Set<Promise<void>>();

  constructor(private readonly options: SurveyServiceOptions) {
    this.today = options.today ?? utcToday;
  }

  /** Stores a validated submission once; a retry with the same id and answers gets the same receipt. */
  async submit(submission: Submission): Promise<SubmitOutcome> {
    const phq9 = phq9Score(submission.answers);
    const mapping = toRecord(submission.answers, this.options.maxUnansweredShare);
    const hash = payloadHash(submission);
    const receiptCode = newReceiptCode();
    const result = await this.options.repository.insert({
      submissionId: submission.submissionId,
      receiptCode,
      payloadHash: hash,
      submittedOn: this.today(),
      questionnaireVersion: submission.questionnaireVersion,
      locale: submission.locale,
      state: mapping.ok ? 'training' : 'manual_review',
      reviewReason: mapping.ok ? null : `${mapping.reason}: ${mapping.fields.join(', ')}`,
      answers: { ...submission.answers },
      record: mapping.ok ? mapping.record : null,
      phq9Total: phq9.total,
      phq9Label: phq9.label,
    });
    if (!result.inserted) {
      if (result.existing.payloadHash !== hash) return { status: 'conflict' };
      return { status: 'replayed', receiptCode: result.existing.receiptCode, phq9 };
    }
    // The respondent does not wait for scoring: the response is stored, and the hook (which
    // never throws) runs on; graceful shutdown waits for it through `drain`.
    if (mapping.ok) {
      const scoring = this.notify({
        submissionId: submission.submissionId,
        record: mapping.record,
        phq9Label: phq9.label,
      });
      this.scoring.add(scoring);
      void scoring.finally(() => this.scoring.delete(scoring));
    }
    return { status: 'created', receiptCode, phq9 };
  }

  /** Resolves once every scoring hook started so far has finished. */
  async drain(): Promise<void> {
    await Promise.all(this.scoring);
  }

  /**
   * Deletes the response a receipt code belongs to, and first what was derived from it
   * (`onResponseDeleted`); false when the code matches none.
   */
  async deleteResponse(receiptCode: string): Promise<boolean> {
    const code = normaliseReceiptCode(receiptCode);
    if (!RECEIPT_CODE_PATTERN.test(code)) return false;
    const submissionId = await this.options.repository.submissionOfReceipt(code);
    if (submissionId === undefined) return false;
    // Its scoring may still be running: let it finish, so nothing is logged after the delete.
    await this.drain();
    await this.options.onResponseDeleted?.(submissionId);
    return this.options.repository.deleteByReceipt(code);
  }

  private async notify(event: ResponseStoredEvent): Promise<void> {
    if (!this.options.onResponseStored) return;
    try {
      await this.options.onResponseStored(event);
    } catch (error) {
      // Deliberately without the submission id: with the log's exact time it would undo the
      // day-coarsening of the stored response.
      this.options.log.warn(
        { 'error.message': (error as Error).message },
        'survey: scoring hook failed; the response is stored',
      );
    }
  }
}
