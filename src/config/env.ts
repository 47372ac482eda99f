import { createPrivateKey } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";

/** A configuration problem an operator can fix; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

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
  /** Signs the connect/OAuth `state` (STATE_SECRET; a public default outside production). */
  stateSecret: string;
}

export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  baseUrl: string;
  logLevel: LogLevel;
  /** Undefined outside production: an embedded server is started instead. */
  mongodbUri?: string;
  /** No APP_ID yet: serve the manifest registration flow instead of the App. */
  setupMode: boolean;
  github: GitHubConfig;
  auth: AuthConfig;
}

export type AuthMode = "workos" | "dev";

/** Sign-in: WorkOS AuthKit, or a local form for development (never in production). */
export interface AuthConfig {
  mode: AuthMode;
  /** Seals the session and flow cookies: WORKOS_COOKIE_PASSWORD, or DEVELOPMENT_COOKIE_PASSWORD outside production. */
  cookiePassword: string;
  /** Cookies carry `Secure` unless BASE_URL is plain http:// (local development). */
  secureCookies: boolean;
  /** Set in workos mode only. */
  workos?: { apiKey: string; clientId: string };
}

/** Outside production only, when WORKOS_COOKIE_PASSWORD is unset. Public: it protects nothing. */
export const DEVELOPMENT_COOKIE_PASSWORD = "development-only-cookie-password-not-a-secret";
const MIN_COOKIE_PASSWORD = 32;

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function requireVar(env: Env, name: string, why: string): string {
  const value = read(env, name);
  if (!value) throw new ConfigError(`${name} is required ${why}`);
  return value;
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
    throw new ConfigError(`PRIVATE_KEY_PATH cannot be read: ${(error as Error).message.replace(/^\[@probot\/get-private-key\] /, "")}`);
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
  if (/[/:]/.test(host.replace(/:\d+$/, ""))) {
    throw new ConfigError(`GHE_HOST must be a host name such as ghes.example.com, got "${host}"`);
  }
  return { webUrl: `${protocol}://${host}`, apiUrl: `${protocol}://${host}/api/v3`, enterpriseHost: host };
}

/** Outside production only, when STATE_SECRET is unset. Public: it protects nothing. */
export const DEVELOPMENT_STATE_SECRET = "development-only-state-secret-not-a-secret";
const MIN_STATE_SECRET = 32;

function loadStateSecret(env: Env, production: boolean): string {
  const secret = production
    ? requireVar(env, "STATE_SECRET", `in production (at least ${MIN_STATE_SECRET} random characters, e.g. openssl rand -base64 32; it signs the connect links)`)
    : (read(env, "STATE_SECRET") ?? DEVELOPMENT_STATE_SECRET);
  if (secret.length < MIN_STATE_SECRET) {
    throw new ConfigError(`STATE_SECRET must be at least ${MIN_STATE_SECRET} characters (it signs the connect links), got ${secret.length}`);
  }
  return secret;
}

/** Reads and validates the environment once, at start-up. Throws ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = read(env, "NODE_ENV") ?? "development";
  const production = nodeEnv === "production";
  const port = parsePort(read(env, "PORT"));
  const logLevelRaw = read(env, "LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevelRaw}"`);
  }
  const baseUrl = parseUrl(
    "BASE_URL",
    production ? requireVar(env, "BASE_URL", "in production (the public URL GitHub and browsers reach)") : (read(env, "BASE_URL") ?? `http://localhost:${port}`),
  );
  const mongodbUri = production ? requireVar(env, "MONGODB_URI", "in production") : read(env, "MONGODB_URI");
  if (mongodbUri && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError("MONGODB_URI must start with mongodb:// or mongodb+srv://");
  }

  const appIdRaw = read(env, "APP_ID");
  if (!appIdRaw && production) throw new ConfigError("APP_ID is required in production (register the App from app.yml first)");
  const appId = appIdRaw ? parseAppId(appIdRaw) : undefined;
  const hosts = gitHubHosts(env);
  const webhookSecret = appIdRaw
    ? requireVar(env, "WEBHOOK_SECRET", "when APP_ID is set (the secret from the App's settings)")
    : (read(env, "WEBHOOK_SECRET") ?? "development");
  const github: GitHubConfig = {
    ...hosts,
    stateSecret: loadStateSecret(env, production),
    webhookSecret,
    marketplaceWebhookSecret: read(env, "MARKETPLACE_WEBHOOK_SECRET") ?? webhookSecret,
  };
  if (appIdRaw) {
    github.appId = appId;
    github.privateKey = loadPrivateKey(env);
    github.clientId = read(env, "GITHUB_CLIENT_ID");
    github.clientSecret = read(env, "GITHUB_CLIENT_SECRET");
    github.appSlug = read(env, "APP_SLUG");
    if (github.appSlug && !/^[a-z0-9][a-z0-9-]*$/.test(github.appSlug)) {
      throw new ConfigError(`APP_SLUG must be the App's URL name (lowercase letters, digits, dashes), got "${github.appSlug}"`);
    }
    if (production) {
      for (const name of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "APP_SLUG"]) requireVar(env, name, "in production");
    }
  }

  const auth = loadAuthConfig(env, production, baseUrl);

  return { nodeEnv, production, port, baseUrl, logLevel: logLevelRaw as LogLevel, mongodbUri, setupMode: !appIdRaw, github, auth };
}

function loadAuthConfig(env: Env, production: boolean, baseUrl: string): AuthConfig {
  const apiKey = read(env, "WORKOS_API_KEY");
  const clientId = read(env, "WORKOS_CLIENT_ID");
  const password = read(env, "WORKOS_COOKIE_PASSWORD");
  const modeRaw = read(env, "AUTH_MODE") ?? (!apiKey && !production ? "dev" : "workos");
  if (modeRaw !== "workos" && modeRaw !== "dev") throw new ConfigError(`AUTH_MODE must be "workos" or "dev", got "${modeRaw}"`);
  if (modeRaw === "dev" && production) {
    throw new ConfigError('AUTH_MODE=dev (development sign-in, anyone can pick any role) is refused in production: set AUTH_MODE=workos and the WORKOS_* variables');
  }
  if (password !== undefined && password.length < MIN_COOKIE_PASSWORD) {
    throw new ConfigError(`WORKOS_COOKIE_PASSWORD must be at least ${MIN_COOKIE_PASSWORD} characters (it seals session cookies), got ${password.length}`);
  }
  const secureCookies = !baseUrl.startsWith("http://");
  if (modeRaw === "dev") return { mode: "dev", cookiePassword: password ?? DEVELOPMENT_COOKIE_PASSWORD, secureCookies };
  const why = "when AUTH_MODE is workos (from the WorkOS dashboard, API keys page)";
  return {
    mode: "workos",
    cookiePassword: requireVar(env, "WORKOS_COOKIE_PASSWORD", `when AUTH_MODE is workos (at least ${MIN_COOKIE_PASSWORD} random characters, e.g. openssl rand -base64 32)`),
    secureCookies,
    workos: { apiKey: requireVar(env, "WORKOS_API_KEY", why), clientId: requireVar(env, "WORKOS_CLIENT_ID", why) },
  };
}
