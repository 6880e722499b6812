import { describe, expect, it } from 'vitest';
import { featureGroups, groupRuns } from './feature-groups.js';

describe('featureGroups', () => {
  it('groups one-hot columns under their feature, in order of first appearance', () => {
    const { features, groupOf } = featureGroups(['age', 'city=A', 'city=B', 'cgpa', 'city=other']);
    expect(features).toEqual(['age', 'city', 'cgpa']);
    expect([...groupOf]).toEqual([0, 1, 1, 2, 1]);
  });
});

describe('groupRuns', () => {
  it('splits the columns into runs of one group, a group appearing again in a later run', () => {
    const { start, group, first } = groupRuns(Int32Array.from([0, 1, 1, 2, 1]));
    expect([...start]).toEqual([0, 1, 3, 4, 5]);
    expect([...group]).toEqual([0, 1, 2, 1]);
    expect([...first]).toEqual([1, 1, 1, 0]);
  });

  it('has no runs for no columns', () => {
    expect(groupRuns(new Int32Array(0))).toEqual({
      start: Int32Array.from([0]),
      group: new Int32Array(0),
      first: new Uint8Array(0),
    });
  });
});
