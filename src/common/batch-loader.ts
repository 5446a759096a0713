/**
 * A per-request loader that collects keys asked for in one tick and fetches
 * them in one call, so nested fields cost one query per level, not per row.
 */
export class BatchLoader<K, V> {
  private readonly cache = new Map<K, Promise<V | undefined>>();
  private pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly fetch: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | undefined> {
    let p = this.cache.get(key);
    if (!p) {
      p = new Promise((resolve, reject) => {
        if (this.pending.length === 0) process.nextTick(() => void this.flush());
        this.pending.push({ key, resolve, reject });
      });
      this.cache.set(key, p);
    }
    return p;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.fetch(batch.map((b) => b.key));
      for (const b of batch) b.resolve(found.get(b.key));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
