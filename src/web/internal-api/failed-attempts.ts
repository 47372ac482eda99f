/** What one client address has failed within its current window. */
interface Window {
  failures: number;
  endsAt: number;
}

export interface FailedAttemptLimits {
  /** Failures an address may make in a window; the next request waits for the window's end. */
  failuresAllowed: number;
  windowMs: number;
  /** Addresses remembered at once; past it the oldest window is forgotten, so memory stays bounded. */
  maxAddresses: number;
}

export const SERVICE_TOKEN_LIMITS: FailedAttemptLimits = {
  failuresAllowed: 20,
  windowMs: 60_000,
  maxAddresses: 10_000,
};

export interface FailedAttempts {
  readonly failuresAllowed: number;
  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfterSeconds(address: string): number;
  /** Counts a failure; true when this one used up the address's allowance (say so once). */
  recordFailure(address: string): boolean;
}

/**
 * Failed attempts per client address, in this process's memory: a fixed window per address,
 * started by its first failure. Successes are never counted or looked up here.
 */
export function createFailedAttempts(limits: FailedAttemptLimits, now: () => Date): FailedAttempts {
  const windows = new Map<string, Window>();

  const current = (address: string, at: number): Window | undefined => {
    const window = windows.get(address);
    if (window && window.endsAt <= at) {
      windows.delete(address);
      return undefined;
    }
    return window;
  };

  return {
    failuresAllowed: limits.failuresAllowed,
    retryAfterSeconds(address) {
      const at = now().getTime();
      const window = current(address, at);
      if (!window || window.failures < limits.failuresAllowed) return 0;
      return Math.max(1, Math.ceil((window.endsAt - at) / 1000));
    },
    recordFailure(address) {
      const at = now().getTime();
      const window = current(address, at);
      if (window) {
        window.failures += 1;
        return window.failures === limits.failuresAllowed;
      }
      // A Map iterates in insertion order: the first key is the oldest window.
      if (windows.size >= limits.maxAddresses) windows.delete(windows.keys().next().value as string);
      windows.set(address, { failures: 1, endsAt: at + limits.windowMs });
      return limits.failuresAllowed === 1;
    },
  };
}
