import { createPrivateKey } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import { loadAuthConfig, type AuthConfig } from "./auth-config.js";
import { ConfigError } from "./config-error.js";
import { loadDefaultRepos } from "./default-repos.js";
import { developmentSecrets } from "./development-secrets.js";
import { isHostWithPort, parseHost, parseTrustProxy, type TrustProxy } from "./network.js";
import { read, requireVar, type Env } from "./read-env.js";
import { loadMarketplaceConfig, type MarketplaceConfig } from "./marketplace-config.js";
import { loadServiceAccessConfig, type ServiceAccessConfig } from "./service-access.js";
import { loadWebhookProxyConfig, type WebhookProxyConfig } from "./webhook-proxy.js";
import { loadEventDeliveryConfig, type EventDeliveryConfig } from "./event-delivery.js";
import { parseReconcileInterval } from "./reconcile-interval.js";
import { loadOperatorEmails } from "./operators.js";
import { refuseFewDistinctCharacters, refuseWeakWebhookSecret } from "./secret-strength.js";
import { parseMaxConnectionsPerAddress, parseWebhookBodyMemory } from "./server-limits.js";

export type { AuthConfig, AuthMode } from "./auth-config.js";
export { ConfigError } from "./config-error.js";
export type { TrustProxy } from "./network.js";
export type { ServiceAccessConfig } from "./service-access.js";
export type { WebhookProxyConfig } from "./webhook-proxy.js";
export type { EventDeliveryConfig } from "./event-delivery.js";
export type { MarketplaceConfig } from "./marketplace-config.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export interface GitHubConfig {
  /** Undefined in setup mode: the App is not registered yet. */
  appId?: number;
  privateKey?: string;
  webhookSecret: string;
  /** The Marketplace listing signs its deliveries with its own secret. */
  marketplaceWebhookSecret: string;
  clientId?: string;
  clientSecret?: string;
  appSlug?: string;
  /** e.g. https://github.com or https://ghes.example.com */
  webUrl: string;
  /** e.g. https://api.github.com or https://ghes.example.com/api/v3 */
  apiUrl: string;
  enterpriseHost?: string;
  /** Signs the connect/OAuth `state` (STATE_SECRET; outside production, a random one per process when unset). */
  stateSecret: string;
}

export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  /** HOST: where the Node server listens; loopback unless production. */
  host: string;
  /** TRUST_PROXY for the Node server (never on Lambda): none unless configured. */
  trustProxy: TrustProxy;
  baseUrl: string;
  logLevel: LogLevel;
  /** Undefined outside production: an embedded server is started instead. */
  mongodbUri?: string;
  /** No APP_ID yet: serve the manifest registration flow instead of the App. */
  setupMode: boolean;
  /** How webhooks reach a server GitHub cannot: WEBHOOK_PROXY_URL (a smee.io channel) and SMEE_URL. */
  webhookProxy: WebhookProxyConfig;
  /** RECONCILE_INTERVAL in ms: the Node server runs the reconcile job this often; null (the default) never. */
  reconcileIntervalMs: number | null;
  /** WEBHOOK_BODY_MEMORY_MB in bytes: the Node server's webhook bodies held at once, across every request. */
  webhookBodyMemoryBytes: number;
  /** MAX_CONNECTIONS_PER_ADDRESS: the Node server's connections one client address may hold. */
  maxConnectionsPerAddress: number;
  github: GitHubConfig;
  auth: AuthConfig;
  /** The internal API's service tokens and the legacy personal token (INTERNAL_API_TOKENS, LEGACY_GITHUB_*). */
  services: ServiceAccessConfig;
  /** The repos the app creates: DEFAULT_REPOS, each a valid GitHub name (empty: no defaults). */
  repos: { defaultNames: string[] };
  /** The Marketplace listing: its page (MARKETPLACE_LISTING_URL) and whether to use GitHub's stubbed endpoints (MARKETPLACE_STUBBED). */
  marketplace: MarketplaceConfig;
  /** EVENT_ENDPOINTS and EVENT_SIGNING_SECRET: where the event log is pushed; null (neither set) sends nothing. */
  eventDelivery: EventDeliveryConfig | null;
  /** OPERATOR_EMAILS, lowercased: the signed-in people (verified email) who see the operator console; empty: nobody. */
  operatorEmails: string[];
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/$/, "");
}

function parseAppId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new ConfigError(`APP_ID must be a positive whole number, got "${raw}"`);
  return id;
}

const NOT_A_PEM = "PRIVATE_KEY is not a PEM private key (paste the .pem GitHub gave you, or its base64)";

function loadPrivateKey(env: Env): string {
  let pem: string | null;
  try {
    pem = getPrivateKey({ env: env as NodeJS.ProcessEnv });
  } catch (error) {
    if (read(env, "PRIVATE_KEY")) throw new ConfigError(NOT_A_PEM);
    throw new ConfigError(
      `PRIVATE_KEY_PATH cannot be read: ${(error as Error).message.replace(/^\[@probot\/get-private-key\] /, "")}`,
    );
  }
  if (!pem) throw new ConfigError("PRIVATE_KEY or PRIVATE_KEY_PATH is required when APP_ID is set");
  try {
    createPrivateKey(pem);
  } catch {
    throw new ConfigError(NOT_A_PEM);
  }
  return pem;
}

function gitHubHosts(env: Env): Pick<GitHubConfig, "webUrl" | "apiUrl" | "enterpriseHost"> {
  const host = read(env, "GHE_HOST");
  const protocol = read(env, "GHE_PROTOCOL") ?? "https";
  if (protocol !== "https" && protocol !== "http") {
    throw new ConfigError(`GHE_PROTOCOL must be "https" or "http", got "${protocol}"`);
  }
  if (!host) return { webUrl: "https://github.com", apiUrl: "https://api.github.com" };
  // A host name or IPv4 address and a port, nothing else: "user@host" would reach another host.
  if (!isHostWithPort(host)) {
    throw new ConfigError(`GHE_HOST must be a host name such as ghes.example.com, got "${host}"`);
  }
  return { webUrl: `${protocol}://${host}`, apiUrl: `${protocol}://${host}/api/v3`, enterpriseHost: host };
}

const MIN_STATE_SECRET = 32;

/** `production`: where production's rules apply ("in production"), or false. */
function loadStateSecret(env: Env, production: string | false): string {
  const secret = production
    ? requireVar(
        env,
        "STATE_SECRET",
        `${production} (at least ${MIN_STATE_SECRET} random characters, e.g. openssl rand -base64 32; it signs the connect links)`,
      )
    : (read(env, "STATE_SECRET") ?? developmentSecrets.stateSecret);
  if (secret.length < MIN_STATE_SECRET) {
    throw new ConfigError(
      `STATE_SECRET must be at least ${MIN_STATE_SECRET} characters (it signs the connect links), got ${secret.length}`,
    );
  }
  if (production) refuseFewDistinctCharacters("STATE_SECRET", secret);
  return secret;
}

export interface ConfigRules {
  /**
   * Production's rules whatever NODE_ENV says, and where they apply for the messages ("on Lambda"):
   * a deployment that forgot NODE_ENV must not fall back to development's sign-in, secrets and localhost.
   */
  deployment?: string;
}

/** Reads and validates the environment once, at start-up. Throws ConfigError naming the variable. */
export function loadConfig(env: Env = process.env, rules: ConfigRules = {}): AppConfig {
  const nodeEnv = read(env, "NODE_ENV") ?? "development";
  const production = nodeEnv === "production" || rules.deployment !== undefined;
  /** Where production's rules apply, as the messages name it. */
  const where = nodeEnv === "production" ? "in production" : (rules.deployment ?? "in production");
  const port = parsePort(read(env, "PORT"));
  const logLevelRaw = read(env, "LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevelRaw}"`);
  }
  const baseUrl = parseUrl(
    "BASE_URL",
    production
      ? requireVar(env, "BASE_URL", `${where} (the public URL GitHub and browsers reach)`)
      : (read(env, "BASE_URL") ?? `http://localhost:${port}`),
  );
  if (production && baseUrl.startsWith("http://")) {
    throw new ConfigError(
      `BASE_URL must be https:// ${where} (over plain http:// the session cookies lose Secure), got "${baseUrl}"`,
    );
  }
  const mongodbUri = production ? requireVar(env, "MONGODB_URI", where) : read(env, "MONGODB_URI");
  if (mongodbUri && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError("MONGODB_URI must start with mongodb:// or mongodb+srv://");
  }

  const appIdRaw = read(env, "APP_ID");
  if (!appIdRaw && production)
    throw new ConfigError(`APP_ID is required ${where} (register the App from app.yml first)`);
  const appId = appIdRaw ? parseAppId(appIdRaw) : undefined;
  const hosts = gitHubHosts(env);
  const webhookSecret = appIdRaw
    ? requireVar(env, "WEBHOOK_SECRET", "when APP_ID is set (the secret from the App's settings)")
    : (read(env, "WEBHOOK_SECRET") ?? "development");
  const marketplaceWebhookSecret = read(env, "MARKETPLACE_WEBHOOK_SECRET");
  if (production) {
    refuseWeakWebhookSecret("WEBHOOK_SECRET", webhookSecret);
    if (marketplaceWebhookSecret) refuseWeakWebhookSecret("MARKETPLACE_WEBHOOK_SECRET", marketplaceWebhookSecret);
  }
  const github: GitHubConfig = {
    ...hosts,
    stateSecret: loadStateSecret(env, production && where),
    webhookSecret,
    marketplaceWebhookSecret: marketplaceWebhookSecret ?? webhookSecret,
  };
  if (appIdRaw) {
    github.appId = appId;
    github.privateKey = loadPrivateKey(env);
    github.clientId = read(env, "GITHUB_CLIENT_ID");
    github.clientSecret = read(env, "GITHUB_CLIENT_SECRET");
    github.appSlug = read(env, "APP_SLUG");
    if (github.appSlug && !/^[a-z0-9][a-z0-9-]*$/.test(github.appSlug)) {
      throw new ConfigError(
        `APP_SLUG must be the App's URL name (lowercase letters, digits, dashes), got "${github.appSlug}"`,
      );
    }
    if (production) {
      for (const name of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "APP_SLUG"]) requireVar(env, name, where);
    }
  }

  // Setup mode and development listen on this machine only unless HOST says otherwise.
  const host = parseHost(read(env, "HOST"), production ? "0.0.0.0" : "127.0.0.1");
  const trustProxy = parseTrustProxy(read(env, "TRUST_PROXY"));
  const auth = loadAuthConfig(env, { production: production && where, baseUrl, host, servesSignIn: Boolean(appIdRaw) });
  const services = loadServiceAccessConfig(env, { production });
  const repos = { defaultNames: loadDefaultRepos(env) };
  const marketplace = loadMarketplaceConfig(env);

  const webhookProxy = loadWebhookProxyConfig(env);
  const eventDelivery = loadEventDeliveryConfig(env, { production });
  const operatorEmails = loadOperatorEmails(env);
  const reconcileIntervalMs = parseReconcileInterval(read(env, "RECONCILE_INTERVAL"));
  const webhookBodyMemoryBytes = parseWebhookBodyMemory(read(env, "WEBHOOK_BODY_MEMORY_MB"));
  const maxConnectionsPerAddress = parseMaxConnectionsPerAddress(read(env, "MAX_CONNECTIONS_PER_ADDRESS"));

  return {
    nodeEnv,
    production,
    port,
    host,
    trustProxy,
    baseUrl,
    logLevel: logLevelRaw as LogLevel,
    mongodbUri,
    setupMode: !appIdRaw,
    webhookProxy,
    reconcileIntervalMs,
    webhookBodyMemoryBytes,
    maxConnectionsPerAddress,
    github,
    auth,
    services,
    repos,
    marketplace,
    eventDelivery,
    operatorEmails,
  };
}
