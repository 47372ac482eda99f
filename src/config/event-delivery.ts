import { ConfigError } from "./config-error.js";
import { isLoopbackHost } from "./network.js";
import { read, type Env } from "./read-env.js";

/** Where the event log is pushed (docs/events.md "Delivery"); null: nothing is sent, the log and feed still fill. */
export interface EventDeliveryConfig {
  /** EVENT_ENDPOINTS: each URL an event is POSTed to. */
  endpoints: string[];
  /** EVENT_SIGNING_SECRET: the Standard Webhooks secret ("whsec_" + base64) every delivery is signed with. */
  signingSecret: string;
}

function parseEndpoint(raw: string, production: boolean): string {
  const refuse = (why: string) => new ConfigError(`EVENT_ENDPOINTS: "${raw}" ${why}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("is not an absolute URL");
  }
  if (url.username || url.password) throw refuse("must not carry credentials");
  if (url.protocol === "https:") return url.toString();
  if (url.protocol === "http:" && !production && isLoopbackHost(url.hostname)) return url.toString();
  throw refuse(
    production ? "must be https in production" : "must be https (http only to a loopback address outside production)",
  );
}

/** A Standard Webhooks secret: "whsec_" and the base64 of at least 24 random bytes. */
const SIGNING_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const MIN_SECRET_BYTES = 24;

function parseSigningSecret(raw: string): string {
  const base64 = raw.slice("whsec_".length);
  if (!SIGNING_SECRET.test(raw) || base64.length % 4 !== 0 || Buffer.from(base64, "base64").length < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `EVENT_SIGNING_SECRET must be a Standard Webhooks secret: "whsec_" and the base64 of at least ${MIN_SECRET_BYTES} random bytes (e.g. echo whsec_$(openssl rand -base64 32))`,
    );
  }
  return raw;
}

export function loadEventDeliveryConfig(env: Env, { production }: { production: boolean }): EventDeliveryConfig | null {
  const rawEndpoints = read(env, "EVENT_ENDPOINTS");
  const rawSecret = read(env, "EVENT_SIGNING_SECRET");
  if (!rawEndpoints && !rawSecret) return null;
  if (!rawEndpoints) throw new ConfigError("EVENT_ENDPOINTS is required when EVENT_SIGNING_SECRET is set");
  if (!rawSecret) throw new ConfigError("EVENT_SIGNING_SECRET is required when EVENT_ENDPOINTS is set");
  const endpoints = rawEndpoints
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => parseEndpoint(part, production));
  if (endpoints.length === 0) throw new ConfigError("EVENT_ENDPOINTS must list at least one URL");
  return { endpoints: [...new Set(endpoints)], signingSecret: parseSigningSecret(rawSecret) };
}
