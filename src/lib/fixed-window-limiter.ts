/**
 * Counts attempts per key in fixed windows, in memory and bounded: at most `maxKeys` keys are
 * remembered (the oldest window is forgotten first), so a flood of keys costs a fixed amount.
 * Per process: on Lambda each instance counts on its own, which still caps what one caller gets.
 */
export interface FixedWindowLimiter {
  /** Counts one attempt for `key`; when over the limit, the seconds until the window ends (nothing counted). */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export interface FixedWindowOptions {
  limit: number;
  windowMs: number;
  maxKeys: number;
  now?: () => number;
}

export function createFixedWindowLimiter(options: FixedWindowOptions): FixedWindowLimiter {
  const { limit, windowMs, maxKeys } = options;
  const now = options.now ?? Date.now;
  // Insertion order is window-start order: a key is re-inserted when its window restarts.
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    take(key) {
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.startedAt >= windowMs) {
        windows.delete(key);
        window = { startedAt: at, count: 0 };
        windows.set(key, window);
        while (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      }
      if (window.count >= limit) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - at) / 1000)) };
      }
      window.count++;
      return { allowed: true };
    },
  };
}
