import { timingSafeEqual } from "node:crypto";

/** True when both are strings and equal, compared in constant time (a state or nonce from a client against ours). */
export function sameSecret(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== "string" || typeof actual !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}
