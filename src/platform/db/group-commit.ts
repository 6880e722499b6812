import { writeIsolatingFailures } from './isolate-failures.js';

/**
 * Group commit for many small writes: items submitted while a write is in flight wait, then go
 * together in the next call of `write` (one statement, one transaction). Every caller still
 * hears back only after the write that holds its item has committed, so an acknowledged item
 * is durable, and the database commits once per group instead of once per item — under load
 * the commit rate, not the statement, is what limits throughput. A group that fails is split
 * until the failing item is alone, so one bad item never fails the others.
 */
export class GroupCommit<T, R> {
  private pending: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  private writing = false;

  /**
   * @param write writes a group; resolves with one result per item, in order.
   * @param maxGroup most items per write (keep statements under the parameter limit).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxGroup = 200,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, this.maxGroup);
      const outcomes = await writeIsolatingFailures(
        this.write,
        group.map((entry) => entry.item),
      );
      outcomes.forEach((outcome, i) =>
        outcome.ok ? group[i].resolve(outcome.value) : group[i].reject(outcome.error),
      );
    }
    this.writing = false;
  }
}
