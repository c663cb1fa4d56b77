/**
 * Commits work from several concurrent callers in shared transactions: while one transaction is
 * under way, everything submitted waits and goes into the next, together. Never more than one
 * at a time, since a transactional producer has one transaction open at most. Each submitter
 * learns the outcome of the transaction that carried its part.
 */
export class GroupCommit<P> {
  private waiting: Array<{ part: P; resolve: () => void; reject: (error: unknown) => void }> = [];
  private busy = false;

  /** @param commit commits the given parts in one transaction, all or nothing. */
  constructor(private readonly commit: (parts: readonly P[]) => Promise<void>) {}

  /** Resolves once `part` is committed; rejects with the error of the transaction that failed it. */
  submit(part: P): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ part, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.busy || this.waiting.length === 0) return;
    const taken = this.waiting;
    this.waiting = [];
    this.busy = true;
    this.commit(taken.map((t) => t.part))
      .then(() => taken.forEach((t) => t.resolve()), (error: unknown) => taken.forEach((t) => t.reject(error)))
      .finally(() => {
        this.busy = false;
        this.next();
      });
  }
}
