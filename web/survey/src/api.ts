import type { Phq9Band } from '../../../src/survey/phq9.js';

export interface Submitted {
  submissionId: string;
  receiptCode: string;
  phq9: { total: number; band: Phq9Band };
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type SubmitResult =
  | { kind: 'ok'; body: Submitted }
  | { kind: 'invalid'; errors: FieldProblem[] }
  | { kind: 'failed' };

/** Posts the submission; a retry with the same body is safe (the server is idempotent). */
export async function postSubmission(body: unknown): Promise<SubmitResult> {
  try {
    const response = await fetch('/v1/survey/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    if (response.status === 200 || response.status === 201)
      return { kind: 'ok', body: (await response.json()) as Submitted };
    if (response.status === 400) {
      const problem = (await response.json()) as { errors?: FieldProblem[] };
      return { kind: 'invalid', errors: problem.errors ?? [] };
    }
    return { kind: 'failed' };
  } catch {
    return { kind: 'failed' };
  }
}

/** Deletes the response with this receipt code: `deleted`, `not-found` or `failed`. */
export async function deleteResponse(code: string): Promise<'deleted' | 'not-found' | 'failed'> {
  try {
    const response = await fetch(`/v1/survey/responses/${encodeURIComponent(code)}`, {
      method: 'DELETE',
      credentials: 'omit',
    });
    if (response.status === 204) return 'deleted';
    return response.status === 404 ? 'not-found' : 'failed';
  } catch {
    return 'failed';
  }
}
