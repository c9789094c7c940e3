/**
 * Tasks that would only queue on one row lock in PostgreSQL take turns here instead: one task per
 * key runs at a time in this process, the others wait in memory — not on a pooled connection held
 * open while the row is busy (ten takes of one queue category would hold the whole pool).
 */
export class Turns {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Run `task` after every task of `key` started before it (whether they succeeded or not). */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
