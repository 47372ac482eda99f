import { isObject } from "./payload.js";

/**
 * The App as GitHub serves it now: `GET /app` (the fields GitHub's REST description documents for
 * "integration": no setup or callback URL among them) and `GET /app/hook/config` (the webhook URL
 * lives there, not in GET /app). Nothing of the answer is trusted for shape (rule 9).
 */
export interface LiveApp {
  name: string | null;
  /** Checked against GitHub's slug rules; null when GitHub's answer has none that passes. */
  slug: string | null;
  /** The account that owns the App (its settings page lives under it); null when it is not a plain login. */
  owner: { login: string; type: "Organization" | "User" } | null;
  /** Each permission and its access ("read", "write", "admin"). */
  permissions: Record<string, string>;
  /**
   * The events the App subscribes to. GitHub leaves out the global ones (meta, security_advisory,
   * installation_target) even when subscribed: GET /app cannot tell whether they are.
   */
  events: string[];
  /** The App's homepage URL (app.yml `url`). */
  externalUrl: string | null;
}

/** The App's webhook as GitHub calls it; the secret GitHub masks is never kept. */
export interface AppHookConfig {
  url: string | null;
  /** "json" or "form". */
  contentType: string | null;
  /** "0": GitHub verifies the certificate; "1": it does not. */
  insecureSsl: string | null;
}

/** The events GET /app never lists (GitHub's description of its `events` field). */
export const GLOBAL_APP_EVENTS: ReadonlySet<string> = new Set(["meta", "security_advisory", "installation_target"]);

const APP_SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const NAME = /^[a-z0-9_]{1,100}$/;

const stringOrNull = (value: unknown, max = 2000): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : null;

export function parseLiveApp(data: unknown): LiveApp {
  const app = isObject(data) ? data : {};
  const permissions: Record<string, string> = {};
  if (isObject(app.permissions)) {
    for (const [name, access] of Object.entries(app.permissions)) {
      if (NAME.test(name) && typeof access === "string" && NAME.test(access)) permissions[name] = access;
    }
  }
  const events = Array.isArray(app.events)
    ? [...new Set(app.events.filter((event): event is string => typeof event === "string" && NAME.test(event)))]
    : [];
  const owner = isObject(app.owner) ? app.owner : null;
  const ownerType = owner?.type === "Organization" || owner?.type === "User" ? owner.type : null;
  return {
    name: stringOrNull(app.name, 100),
    slug: typeof app.slug === "string" && APP_SLUG.test(app.slug) ? app.slug : null,
    owner:
      owner && ownerType && typeof owner.login === "string" && LOGIN.test(owner.login)
        ? { login: owner.login, type: ownerType }
        : null,
    permissions,
    events,
    externalUrl: stringOrNull(app.external_url),
  };
}

export function parseAppHookConfig(data: unknown): AppHookConfig {
  const hook = isObject(data) ? data : {};
  return {
    url: stringOrNull(hook.url),
    contentType: stringOrNull(hook.content_type, 20),
    insecureSsl: typeof hook.insecure_ssl === "number" ? String(hook.insecure_ssl) : stringOrNull(hook.insecure_ssl, 5),
  };
}
