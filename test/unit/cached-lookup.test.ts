import { describe, expect, test } from "vitest";
import { createCachedLookup, type CachedLookupOptions } from "../../src/lib/cached-lookup.js";

/** A lookup over `load`, with a clock the test moves, and a record of every load and error. */
function lookupOver(load: (key: string) => Promise<string>, overrides: Partial<CachedLookupOptions<string>> = {}) {
  let clock = 0;
  const loads: string[] = [];
  const errors: string[] = [];
  const lookup = createCachedLookup<string>({
    load: (key) => {
      loads.push(key);
      return load(key);
    },
    now: () => new Date(clock),
    ttlMs: 1_000,
    retryAfterMs: 100,
    waitMs: 50,
    maxEntries: 10,
    onError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    ...overrides,
  });
  return { lookup, loads, errors, advance: (ms: number) => (clock += ms) };
}

const deferred = () => {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
};

describe("createCachedLookup", () => {
  test("concurrent first reads share one load; later reads within the TTL load nothing", async () => {
    const { lookup, loads } = lookupOver(async (key) => `name of ${key}`);
    expect(await Promise.all([lookup.get("a"), lookup.get("a"), lookup.get("a")])).toEqual([
      "name of a",
      "name of a",
      "name of a",
    ]);
    expect(await lookup.get("a")).toBe("name of a");
    expect(loads).toEqual(["a"]);
  });

  test("a stale value is answered at once while one refresh runs; the refresh's value answers after it", async () => {
    const next = deferred();
    let calls = 0;
    const { lookup, loads, advance } = lookupOver(async () => (++calls === 1 ? "old" : next.promise));
    expect(await lookup.get("a")).toBe("old");
    advance(1_001);
    expect(await lookup.get("a")).toBe("old");
    expect(await lookup.get("a")).toBe("old");
    expect(loads).toEqual(["a", "a"]);
    next.resolve("new");
    await next.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await lookup.get("a")).toBe("new");
    expect(loads).toEqual(["a", "a"]);
  });

  test("a first load slower than waitMs answers undefined at waitMs, and its value once it arrives", async () => {
    const slow = deferred();
    const { lookup, loads } = lookupOver(() => slow.promise);
    const started = performance.now();
    expect(await lookup.get("a")).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    slow.resolve("late");
    await slow.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await lookup.get("a")).toBe("late");
    expect(loads).toEqual(["a"]);
  });

  test("a failed load is reported once and not retried until retryAfterMs; a known value survives the failure", async () => {
    let fail = false;
    const { lookup, loads, errors, advance } = lookupOver(async () => {
      if (fail) throw new Error("down");
      return "known";
    });
    expect(await lookup.get("a")).toBe("known");
    fail = true;
    advance(1_001);
    expect(await lookup.get("a")).toBe("known");
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual(["a: down"]);
    advance(50);
    expect(await lookup.get("a")).toBe("known");
    expect(loads).toEqual(["a", "a"]);
    advance(60);
    await lookup.get("a");
    expect(loads).toEqual(["a", "a", "a"]);
  });

  test("a key that never loaded and failed answers undefined without asking again until retryAfterMs", async () => {
    const { lookup, loads, advance } = lookupOver(async () => {
      throw new Error("down");
    });
    expect(await lookup.get("a")).toBeUndefined();
    expect(await lookup.get("a")).toBeUndefined();
    expect(loads).toEqual(["a"]);
    advance(101);
    expect(await lookup.get("a")).toBeUndefined();
    expect(loads).toEqual(["a", "a"]);
  });

  test("past maxEntries the oldest key is forgotten, so memory stays bounded", async () => {
    const { lookup, loads } = lookupOver(async (key) => key, { maxEntries: 2 });
    await lookup.get("a");
    await lookup.get("b");
    await lookup.get("c");
    await lookup.get("b");
    await lookup.get("a");
    expect(loads).toEqual(["a", "b", "c", "a"]);
  });
});
