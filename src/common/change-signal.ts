/**
 * Tells this process's listeners that a write committed, so that what it
 * caches of the written rows is dropped before its next request reads them.
 * (Other instances hear the same change through PostgreSQL's NOTIFY; this one
 * must not wait for its own.)
 */
export class ChangeSignal {
  private readonly listeners: (() => void)[] = [];

  on(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** `work`'s result, once it has committed and the listeners have been told. */
  async after<T>(work: Promise<T>): Promise<T> {
    const out = await work;
    for (const l of this.listeners) l();
    return out;
  }
}
