import { describe, expect, it } from 'vitest';
import { errorMessage, isRetryable } from '../../errors.js';
import { QUEUE_ERROR_CODES } from './errors.js';
import type { JobHandlers } from './job-queue.js';
import { assertHandlersCover, assertValidJobId, jobTypesOf, parsePayload } from './payload.js';
import { createTestProbe, testJobSchema, type TestJobSchema } from './testing/test-jobs.js';

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('job payloads', () => {
  it('parses a valid payload of the union', () => {
    expect(parsePayload(testJobSchema, { type: 'add', a: 1, b: 2, extra: true })).toEqual({
      type: 'add',
      a: 1,
      b: 2,
    });
  });

  it('rejects a payload with a clear message naming the field, as an unrecoverable error', () => {
    const error = thrown(() => parsePayload(testJobSchema, { type: 'sleep', ms: -1 }));
    expect(error).toMatchObject({ kind: 'invalid', code: QUEUE_ERROR_CODES.invalidPayload });
    expect(errorMessage(error)).toMatch(/^Invalid job payload: ms: /);
    expect(isRetryable(error)).toBe(false);
  });

  it('rejects text that cannot be stored, naming the field', () => {
    for (const bad of ['x\u0000', '\udc00']) {
      const error = thrown(() => parsePayload(testJobSchema, { type: 'reject', reason: bad }));
      expect(errorMessage(error)).toBe(
        'Invalid job payload: reason: must not contain NUL characters or unpaired surrogates',
      );
    }
  });

  it('rejects an unknown type', () => {
    expect(errorMessage(thrown(() => parsePayload(testJobSchema, { type: 'train' })))).toMatch(
      /^Invalid job payload: type: /,
    );
  });

  it('reads the job types from the schema', () => {
    expect(jobTypesOf(testJobSchema)).toEqual(['add', 'fail-n-times', 'reject', 'sleep', 'gate']);
  });

  it('accepts a complete handler map and names the types a partial one lacks', () => {
    const { handlers } = createTestProbe();
    expect(() => assertHandlersCover(testJobSchema, handlers)).not.toThrow();
    const { sleep: _sleep, gate: _gate, ...partial } = handlers;
    expect(() => assertHandlersCover(testJobSchema, partial as JobHandlers<TestJobSchema>)).toThrow(
      'No job handler for: sleep, gate',
    );
  });

  it('accepts portable job ids and refuses ones BullMQ reserves', () => {
    expect(() => assertValidJobId('train-2024-06-01')).not.toThrow();
    for (const bad of ['', '42', 'a:b', 'a\u0000', '\ud800'])
      expect(() => assertValidJobId(bad)).toThrow(/Invalid jobId/);
  });
});
