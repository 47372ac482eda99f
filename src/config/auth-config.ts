import { ConfigError } from "./config-error.js";
import { developmentSecrets } from "./development-secrets.js";
import { isLoopbackHost } from "./network.js";
import { read, requireVar, type Env } from "./read-env.js";
import { refuseFewDistinctCharacters } from "./secret-strength.js";

export type AuthMode = "workos" | "dev";

/** Sign-in: WorkOS AuthKit, or a local form for development (never in production). */
export interface AuthConfig {
  mode: AuthMode;
  /** Seals the session and flow cookies: WORKOS_COOKIE_PASSWORD, or (dev sign-in) a random one per process. */
  cookiePassword: string;
  /** Cookies carry `Secure` unless BASE_URL is plain http:// (local development; refused in production). */
  secureCookies: boolean;
  /** Set in workos mode only. */
  workos?: { apiKey: string; clientId: string };
}

const MIN_COOKIE_PASSWORD = 32;

export interface AuthContext {
  /** Where production's rules apply ("in production", "on Lambda"), or false. */
  production: string | false;
  baseUrl: string;
  host: string;
  /** False in setup mode: no sign-in page is served. */
  servesSignIn: boolean;
}

/** Development sign-in lets anyone pick any role: it is only served where only this machine reaches it. */
function refuseExposedDevSignIn(explicit: boolean, { baseUrl, host }: AuthContext): void {
  const fix = "set AUTH_MODE=workos and the WORKOS_* variables";
  const mode = explicit
    ? "AUTH_MODE=dev"
    : "AUTH_MODE=dev (the default when WORKOS_API_KEY is unset outside production)";
  const baseHost = new URL(baseUrl).hostname;
  if (!isLoopbackHost(baseHost)) {
    throw new ConfigError(
      `${mode}: development sign-in (anyone can pick any role) needs BASE_URL on localhost, got "${baseUrl}": ${fix}, or use BASE_URL=http://localhost:<port>`,
    );
  }
  if (!isLoopbackHost(host)) {
    throw new ConfigError(
      `${mode}: development sign-in (anyone can pick any role) needs HOST on loopback, got "${host}": ${fix}, or unset HOST`,
    );
  }
}

/** AUTH_MODE and what it needs: WorkOS credentials, or a development sign-in kept on this machine. */
export function loadAuthConfig(env: Env, context: AuthContext): AuthConfig {
  const { production, baseUrl } = context;
  const apiKey = read(env, "WORKOS_API_KEY");
  const password = read(env, "WORKOS_COOKIE_PASSWORD");
  const explicitMode = read(env, "AUTH_MODE");
  const modeRaw = explicitMode ?? (!apiKey && !production ? "dev" : "workos");
  if (modeRaw !== "workos" && modeRaw !== "dev")
    throw new ConfigError(`AUTH_MODE must be "workos" or "dev", got "${modeRaw}"`);
  if (modeRaw === "dev" && production) {
    throw new ConfigError(
      `AUTH_MODE=dev (development sign-in, anyone can pick any role) is refused ${production}: set AUTH_MODE=workos and the WORKOS_* variables`,
    );
  }
  if (password !== undefined && password.length < MIN_COOKIE_PASSWORD) {
    throw new ConfigError(
      `WORKOS_COOKIE_PASSWORD must be at least ${MIN_COOKIE_PASSWORD} characters (it seals session cookies), got ${password.length}`,
    );
  }
  if (password !== undefined && production) refuseFewDistinctCharacters("WORKOS_COOKIE_PASSWORD", password);
  const secureCookies = !baseUrl.startsWith("http://");
  if (modeRaw === "dev") {
    if (context.servesSignIn) refuseExposedDevSignIn(explicitMode !== undefined, context);
    return { mode: "dev", cookiePassword: password ?? developmentSecrets.cookiePassword, secureCookies };
  }
  const why = "when AUTH_MODE is workos (from the WorkOS dashboard, API keys page)";
  return {
    mode: "workos",
    cookiePassword: requireVar(
      env,
      "WORKOS_COOKIE_PASSWORD",
      `when AUTH_MODE is workos (at least ${MIN_COOKIE_PASSWORD} random characters, e.g. openssl rand -base64 32)`,
    ),
    secureCookies,
    workos: { apiKey: requireVar(env, "WORKOS_API_KEY", why), clientId: requireVar(env, "WORKOS_CLIENT_ID", why) },
  };
}
