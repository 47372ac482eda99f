import { createFixedWindowCounter } from "../../lib/fixed-window-limiter.js";

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
 * started by its first failure (src/lib/fixed-window-limiter.ts). Successes are never counted or
 * looked up here.
 */
export function createFailedAttempts(limits: FailedAttemptLimits, now: () => Date): FailedAttempts {
  const counter = createFixedWindowCounter({
    limit: limits.failuresAllowed,
    windowMs: limits.windowMs,
    maxKeys: limits.maxAddresses,
    now: () => now().getTime(),
  });
  return {
    failuresAllowed: limits.failuresAllowed,
    retryAfterSeconds: (address) => counter.retryAfterSeconds(address),
    recordFailure: (address) => counter.count(address) === limits.failuresAllowed,
  };
}
