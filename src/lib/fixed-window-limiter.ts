/**
 * Counts attempts per key in fixed windows, in memory and bounded: at most `maxKeys` keys are
 * remembered (the oldest window is forgotten first), so a flood of keys costs a fixed amount.
 * Per process: on Lambda each instance counts on its own, which still caps what one caller gets.
 */
export interface FixedWindowOptions {
  limit: number;
  windowMs: number;
  maxKeys: number;
  now?: () => number;
}

export interface FixedWindowCounter {
  /** Seconds until `key`'s window ends once it has reached the limit; 0 while it may go on. */
  retryAfterSeconds(key: string): number;
  /** Counts one for `key` (a window starts with its first count) and returns its count in the window. */
  count(key: string): number;
}

export function createFixedWindowCounter(options: FixedWindowOptions): FixedWindowCounter {
  const { limit, windowMs, maxKeys } = options;
  const now = options.now ?? Date.now;
  // Insertion order is window-start order: a key is re-inserted when its window restarts.
  const windows = new Map<string, { startedAt: number; count: number }>();
  const current = (key: string, at: number) => {
    const window = windows.get(key);
    if (window && at - window.startedAt >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  return {
    retryAfterSeconds(key) {
      const at = now();
      const window = current(key, at);
      if (!window || window.count < limit) return 0;
      return Math.max(1, Math.ceil((window.startedAt + windowMs - at) / 1000));
    },
    count(key) {
      const at = now();
      let window = current(key, at);
      if (!window) {
        window = { startedAt: at, count: 0 };
        windows.set(key, window);
        while (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      }
      window.count++;
      return window.count;
    },
  };
}

export interface FixedWindowLimiter {
  /** Counts one attempt for `key`; when over the limit, the seconds until the window ends (nothing counted). */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createFixedWindowLimiter(options: FixedWindowOptions): FixedWindowLimiter {
  const counter = createFixedWindowCounter(options);
  return {
    take(key) {
      const retryAfterSeconds = counter.retryAfterSeconds(key);
      if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds };
      counter.count(key);
      return { allowed: true };
    },
  };
}
