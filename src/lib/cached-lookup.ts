/**
 * A small read-through cache for names shown on pages (the App's name, an organization's name):
 * a fresh value is served from memory; a stale one is served while one refresh runs behind it;
 * a key never loaded waits for its load at most `waitMs`, then the page renders without it.
 * A failed load is not retried for `retryAfterMs`, so an outage costs one call per window, not
 * one per page.
 */
export interface CachedLookupOptions<V> {
  load: (key: string) => Promise<V>;
  now: () => Date;
  /** How long a loaded value counts as fresh. */
  ttlMs: number;
  /** After a failed load, how long the key is served from what is known (or nothing) before asking again. */
  retryAfterMs: number;
  /** How long a page waits for a key it has never loaded. */
  waitMs: number;
  /** Bounds memory: the oldest key is forgotten past this many. */
  maxEntries: number;
  /** Told once per failed load (the caller logs it). */
  onError?: (key: string, error: unknown) => void;
}

export interface CachedLookup<V> {
  /** The value for `key` if it is known or arrives within `waitMs`; undefined otherwise. */
  get(key: string): Promise<V | undefined>;
}

interface Entry<V> {
  value?: { v: V };
  freshUntil: number;
  loading?: Promise<V | undefined>;
}

export function createCachedLookup<V>(options: CachedLookupOptions<V>): CachedLookup<V> {
  const entries = new Map<string, Entry<V>>();
  const now = () => options.now().getTime();

  const entryFor = (key: string): Entry<V> => {
    let entry = entries.get(key);
    if (!entry) {
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
      entry = { freshUntil: 0 };
      entries.set(key, entry);
    }
    return entry;
  };

  const refresh = (key: string, entry: Entry<V>): Promise<V | undefined> =>
    (entry.loading ??= options
      .load(key)
      .then(
        (v) => {
          entry.value = { v };
          entry.freshUntil = now() + options.ttlMs;
          return v;
        },
        (error: unknown) => {
          entry.freshUntil = now() + options.retryAfterMs;
          options.onError?.(key, error);
          return entry.value?.v;
        },
      )
      .finally(() => {
        entry.loading = undefined;
      }));

  return {
    async get(key) {
      const entry = entryFor(key);
      if (entry.freshUntil > now()) return entry.value?.v;
      const loading = refresh(key, entry);
      if (entry.value) return entry.value.v;
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), options.waitMs);
        timer.unref();
      });
      try {
        return await Promise.race([loading, waited]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
