import { ConfigError } from "./config-error.js";
import { read, type Env } from "./read-env.js";

/** Local development's way to receive webhooks (Probot's convention): a smee.io channel forwarded to this server. */
export interface WebhookProxyConfig {
  /** WEBHOOK_PROXY_URL: the channel GitHub posts to; the Node server forwards its events to the webhook path. */
  url?: string;
  /** SMEE_URL: the smee server setup mode creates a channel on (`<SMEE_URL>/new`); https://smee.io unless self-hosted. */
  smeeUrl: string;
}

/** A smee channel id, as smee.io hands them out and accepts them. */
const CHANNEL = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A smee channel URL (https://smee.io/AbC123, or one on a self-hosted smee), normalised; throws
 * ConfigError naming `name` otherwise. Also checks the channel a smee server hands out.
 */
export function parseChannelUrl(name: string, raw: string): string {
  const refuse = () =>
    new ConfigError(
      `${name} must be a smee.io channel URL such as https://smee.io/AbC123xYz (open https://smee.io/new for one), got "${raw}"`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse();
  }
  const channel = url.pathname.split("/").pop() ?? "";
  if (
    (url.protocol !== "https:" && url.protocol !== "http:") ||
    !CHANNEL.test(channel) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw refuse();
  }
  return url.toString();
}

function parseSmeeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === "https:" || url.protocol === "http:") return url.toString().replace(/\/$/, "");
  } catch {
    // Refused below.
  }
  throw new ConfigError(`SMEE_URL must be the http(s) address of a smee server such as https://smee.io, got "${raw}"`);
}

export function loadWebhookProxyConfig(env: Env): WebhookProxyConfig {
  const raw = read(env, "WEBHOOK_PROXY_URL");
  return {
    url: raw ? parseChannelUrl("WEBHOOK_PROXY_URL", raw) : undefined,
    smeeUrl: parseSmeeUrl(read(env, "SMEE_URL") ?? "https://smee.io"),
  };
}
