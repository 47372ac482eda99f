import { ConfigError } from "./config-error.js";

const MB = 1024 * 1024;
/** One delivery at GitHub's 25 MB payload cap must fit, or it could never be received. */
const MIN_WEBHOOK_BODY_MEMORY_MB = 25;
const MAX_WEBHOOK_BODY_MEMORY_MB = 4096;
/** Four deliveries at GitHub's cap at once; real ones are mostly a few kB. */
export const DEFAULT_WEBHOOK_BODY_MEMORY_MB = 100;

/**
 * WEBHOOK_BODY_MEMORY_MB: the bytes of webhook bodies the Node server reads and checks at once,
 * across every request. Past it a delivery is answered 503 with Retry-After before it is read.
 */
export function parseWebhookBodyMemory(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WEBHOOK_BODY_MEMORY_MB * MB;
  const mb = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(mb >= MIN_WEBHOOK_BODY_MEMORY_MB && mb <= MAX_WEBHOOK_BODY_MEMORY_MB)) {
    throw new ConfigError(
      `WEBHOOK_BODY_MEMORY_MB must be a whole number of megabytes from ${MIN_WEBHOOK_BODY_MEMORY_MB} (one delivery at GitHub's 25 MB cap) to ${MAX_WEBHOOK_BODY_MEMORY_MB}, got "${raw}"`,
    );
  }
  return mb * MB;
}

/** The Node server's cap on connections overall (src/http-listener.ts). */
export const MAX_CONNECTIONS = 1_000;
/** A tenth of the server's connections: ten addresses, not one, are needed to fill it. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;

/**
 * MAX_CONNECTIONS_PER_ADDRESS: the connections one client address may hold at once. Behind a
 * load balancer every connection comes from its addresses, so it may need more.
 */
export function parseMaxConnectionsPerAddress(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 1 && count <= MAX_CONNECTIONS)) {
    throw new ConfigError(
      `MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 1 to ${MAX_CONNECTIONS} (the server's cap), got "${raw}"`,
    );
  }
  return count;
}
