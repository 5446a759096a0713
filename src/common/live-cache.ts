/**
 * A per-instance cache of rows that other instances may change, usable only
 * while `live()` holds — while this instance hears every change (a LISTEN
 * connection) — and emptied by `invalidate()` on each change. Otherwise every
 * read goes to the database: stale is never an option, slow is.
 *
 * A read that overlaps an invalidation is returned but not stored, so a value
 * read before a change can never outlive the change's notice.
 */
export class LiveCache<V> {
  private readonly entries = new Map<string, V>();
  private generation = 0;
  private live: () => boolean = () => false;

  /**
   * @param maxEntries when full, the cache starts again empty: a bound against
   *   callers that vary keys on purpose (random `kid`s), not an eviction policy.
   */
  constructor(private readonly maxEntries = 10_000) {}

  /** Lets values be served from memory while `live()` is true. */
  liveWhile(live: () => boolean): void {
    this.live = live;
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /**
   * The value for `key`: from memory when live and `usable(value)` holds, else `read()`, stored when
   * `keep(value)` and nothing changed meanwhile.
   */
  async get(
    key: string,
    read: () => Promise<V | undefined>,
    opts: { keep?: (v: V) => boolean; usable?: (v: V) => boolean } = {},
  ): Promise<V | undefined> {
    const live = this.live();
    if (live && this.entries.has(key)) {
      const hit = this.entries.get(key)!;
      if (!opts.usable || opts.usable(hit)) return hit;
      this.entries.delete(key);
    }
    const gen = this.generation;
    const value = await read();
    if (value !== undefined && (!opts.keep || opts.keep(value)) && live && gen === this.generation && this.live()) this.store(key, value);
    return value;
  }

  /** The values for `keys`: hits from memory when live, the rest from one `read(missing)`. */
  async getMany(keys: readonly string[], read: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const live = this.live();
    const out = new Map<string, V>();
    const missing: string[] = [];
    for (const k of keys) {
      if (live && this.entries.has(k)) out.set(k, this.entries.get(k)!);
      else missing.push(k);
    }
    if (!missing.length) return out;
    const gen = this.generation;
    const found = await read(missing);
    const store = live && gen === this.generation && this.live();
    for (const [k, v] of found) {
      out.set(k, v);
      if (store) this.store(k, v);
    }
    return out;
  }

  private store(key: string, value: V): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }
}
