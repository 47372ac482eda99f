import { describe, expect, test } from "vitest";
import { createFixedWindowLimiter } from "../../src/lib/fixed-window-limiter.js";

describe("fixed-window limiter", () => {
  test("allows `limit` attempts a window, then says how long until the window ends", () => {
    let now = 0;
    const limiter = createFixedWindowLimiter({ limit: 2, windowMs: 60_000, maxKeys: 10, now: () => now });
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a")).toEqual({ allowed: true });
    now = 15_000;
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take("b")).toEqual({ allowed: true });
    now = 60_000;
    expect(limiter.take("a")).toEqual({ allowed: true });
  });

  test("remembers at most maxKeys keys, forgetting the oldest window first", () => {
    let now = 0;
    const limiter = createFixedWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2, now: () => now });
    limiter.take("a");
    now = 1;
    limiter.take("b");
    expect(limiter.take("a").allowed).toBe(false);
    limiter.take("c"); // a third key: "a", the oldest, is forgotten
    expect(limiter.take("b").allowed).toBe(false);
    expect(limiter.take("a").allowed).toBe(true);
  });
});
