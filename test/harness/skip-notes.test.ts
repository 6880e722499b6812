import { describe, expect, it } from 'vitest';
import { skipNotes, type SkippedTest } from './skip-notes.js';

const REASON = 'SDP_DATASET is not set — set it to the Kaggle CSV';
const skipped = (project: string, file: string, count: number, reason: string | undefined) =>
  Array.from({ length: count }, (): SkippedTest => ({ project, file, reason }));

describe('skipNotes', () => {
  it('says nothing when nothing was skipped', () => {
    expect(skipNotes([], new Map([['unit', 10]]))).toEqual([]);
  });

  it('names a whole tier once, then the other tests skipped for the same reason', () => {
    const notes = skipNotes(
      [
        ...skipped('data', 'test/data/a.data.test.ts', 3, REASON),
        ...skipped('data', 'test/data/b.data.test.ts', 2, REASON),
        ...skipped('integration', 'src/training/training.int.test.ts', 2, REASON),
      ],
      new Map([
        ['data', 5],
        ['integration', 300],
      ]),
    );
    expect(notes).toEqual([
      `data tier skipped: ${REASON}`,
      `  also skipped for that reason: 2 of 300 integration tests (src/training/training.int.test.ts)`,
    ]);
  });

  it('counts part of a tier with its files when no tier was skipped whole', () => {
    const notes = skipNotes(
      [...skipped('model', 'test/model/q.model.test.ts', 3, REASON)],
      new Map([['model', 12]]),
    );
    expect(notes).toEqual([`3 of 12 model tests (test/model/q.model.test.ts) skipped: ${REASON}`]);
  });

  it('reports tests skipped without a reason, and never calls such a tier skipped for one', () => {
    const notes = skipNotes(
      [...skipped('unit', 'src/x.test.ts', 2, undefined), ...skipped('e2e', 'test/y.ts', 1, 'no')],
      new Map([
        ['unit', 2],
        ['e2e', 1],
      ]),
    );
    expect(notes).toEqual([
      'skipped with no reason given: 2 of 2 unit tests (src/x.test.ts)',
      'e2e tier skipped: no',
    ]);
  });

  it('lists at most three files per tier', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].flatMap((name) =>
      skipped('integration', `${name}.int.test.ts`, 1, REASON),
    );
    expect(skipNotes(many, new Map([['integration', 9]]))).toEqual([
      `5 of 9 integration tests (a.int.test.ts, b.int.test.ts, c.int.test.ts, … 2 more) skipped: ${REASON}`,
    ]);
  });
});
