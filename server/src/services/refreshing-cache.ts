/**
 * A keyed in-memory cache that never makes a hot path wait for a refresh it can avoid.
 *
 * Launch morning: hundreds of consultants sit idle for minutes, then fire at 9:00 sharp. A plain TTL
 * cache has expired by then, and the first commands of the storm all queue for PostgreSQL (measured:
 * first-wave lock p99 4.0 s cold vs 0.36 s warm). Here an entry is
 * - fresh for `freshMs`: served as is;
 * - stale until `maxStaleMs`: served at once, and one background load refreshes it;
 * - older (or absent): loaded, every concurrent caller sharing one load (single flight).
 * So a change in PostgreSQL (deactivated user, removed member) is seen within `freshMs` plus one
 * request, and nothing waits on the database while entries are in use.
 */
export interface RefreshingCacheOptions {
  /** Age (ms) up to which an entry is served without refreshing. */
  freshMs: number;
  /** Age (ms) up to which a stale entry is still served while a refresh runs; beyond it, callers wait. */
  maxStaleMs: number;
  /** Most entries kept (oldest-inserted evicted first). */
  maxEntries?: number;
  /** Told when a background refresh fails (the stale entry stays until `maxStaleMs`). */
  onRefreshError?: (error: unknown) => void;
}

interface Entry<V> {
  value: V;
  at: number;
}

export class RefreshingCache<K, V> {
  private entries = new Map<K, Entry<V>>();
  private loading = new Map<K, Promise<V>>();
  /** Logical clock of loads and deletions (exact order, unlike Date.now()). */
  private tick = 0;
  /** When each key was last deleted: a load that started before that must not store its result. */
  private deletedAt = new Map<K, number>();

  constructor(
    private readonly load: (key: K) => Promise<V>,
    private readonly options: RefreshingCacheOptions,
  ) {}

  async get(key: K): Promise<V> {
    const entry = this.entries.get(key);
    const age = entry ? Date.now() - entry.at : Infinity;
    if (entry && age < this.options.freshMs) return entry.value;
    if (entry && age < this.options.maxStaleMs) {
      this.refresh(key).catch((error: unknown) => this.options.onRefreshError?.(error));
      return entry.value;
    }
    return this.refresh(key);
  }

  /** Load `key` now (joining a load in progress) and store the result. */
  refresh(key: K): Promise<V> {
    let pending = this.loading.get(key);
    if (!pending) {
      const started = Date.now();
      const startTick = ++this.tick;
      pending = this.load(key)
        .then((value) => {
          if ((this.deletedAt.get(key) ?? -1) < startTick) this.set(key, value, started);
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** The cached value regardless of age, without loading. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V, at = Date.now()): void {
    this.deletedAt.delete(key);
    this.entries.delete(key);
    this.entries.set(key, { value, at });
    const max = this.options.maxEntries;
    if (max !== undefined && this.entries.size > max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Forget `key`; a load already running for it is not stored (it may predate the change). */
  delete(key: K): void {
    this.entries.delete(key);
    this.loading.delete(key);
    this.deletedAt.set(key, ++this.tick);
  }

  /** Keys whose entries are older than `ageMs` (for proactive refresh). */
  keysOlderThan(ageMs: number): K[] {
    const now = Date.now();
    return [...this.entries].filter(([, e]) => now - e.at >= ageMs).map(([k]) => k);
  }
}
