import { ConfigError } from "./config-error.js";

/**
 * A production secret needs this many different characters. Length alone lets "aaaa…", "abab…" or
 * "passwordpassword…" through; a random secret of 32 characters has about 14 (hex) or 26 (base64).
 */
export const MIN_DISTINCT_CHARACTERS = 8;

/** Refuses a secret of too few different characters; `name` says which (never the value). */
export function refuseFewDistinctCharacters(name: string, value: string): void {
  const distinct = new Set(value).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) {
    throw new ConfigError(
      `${name} has ${distinct} different character${distinct === 1 ? "" : "s"}; a production secret needs at least ${MIN_DISTINCT_CHARACTERS} different characters, as a random one has (e.g. openssl rand -base64 32)`,
    );
  }
}

/** Webhook secrets key the HMAC of every delivery; GitHub's registration generates 40 hex characters. */
export const MIN_WEBHOOK_SECRET = 20;

/** In production: at least MIN_WEBHOOK_SECRET characters, of enough different ones. */
export function refuseWeakWebhookSecret(name: string, value: string): void {
  if (value.length < MIN_WEBHOOK_SECRET) {
    throw new ConfigError(
      `${name} must be at least ${MIN_WEBHOOK_SECRET} characters in production (it signs every delivery; e.g. openssl rand -hex 20), got ${value.length}`,
    );
  }
  refuseFewDistinctCharacters(name, value);
}
