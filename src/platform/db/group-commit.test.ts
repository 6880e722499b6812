import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('writes items that arrive during a write together, answering each with its own result', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit(async (items: number[]) => {
      groups.push(items);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return items.map((item) => item * 10);
    }, 3);
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => commit.submit(item)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    // The first item goes alone; the rest waited for it and are split by the group limit.
    expect(groups).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails only the group whose write failed, and goes on with the next', async () => {
    const commit = new GroupCommit(async (items: string[]) => {
      if (items.includes('bad')) throw new Error('constraint violated');
      return items;
    });
    const first = commit.submit('bad');
    const second = commit.submit('good');
    await expect(first).rejects.toThrow('constraint violated');
    await expect(second).resolves.toBe('good');
  });
});
