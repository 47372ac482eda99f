import { readFileSync } from "node:fs";
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import nock from "nock";
import { WorkOS } from "@workos-inc/node";

/* ------------------------------------------------------------------------------------------------
 * A cookie-keeping HTTP client for our own server, and dev sign-in (AUTH_MODE=dev, the test default)
 * --------------------------------------------------------------------------------------------- */

/** The cookies a browser would keep for one origin (name → value); Max-Age=0 / past Expires removes. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      if (at < 1) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => {
        const [key = "", val = ""] = a.trim().split("=");
        if (key.toLowerCase() === "max-age") return Number(val) <= 0;
        if (key.toLowerCase() === "expires") return new Date(a.trim().slice(8)).getTime() <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The `Cookie` request header value ("" when empty). */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface PageResponse {
  status: number;
  /** The Location header of a redirect, if any. */
  location: string | null;
  headers: Headers;
  /** Raw Set-Cookie lines of this response. */
  setCookies: string[];
  body: string;
}

/** The CSRF token a page carries (`<meta name="csrf-token">`), or undefined. */
export function csrfTokenFrom(html: string): string | undefined {
  return /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1];
}

/**
 * A browser without JavaScript: keeps cookies, does not follow redirects (assert them), and keeps
 * the last CSRF token it saw in a page so `postForm` can send it.
 */
export class WebClient {
  readonly jar = new CookieJar();
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** The Cookie header this client sends now (for your own fetch calls). */
  get cookie(): string {
    return this.jar.header();
  }

  async request(path: string, init: RequestInit = {}): Promise<PageResponse> {
    const headers = new Headers(init.headers);
    if (!headers.has("accept")) headers.set("accept", "text/html");
    const cookie = this.jar.header();
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    this.jar.store(response);
    const body = await response.text();
    this.csrfToken = csrfTokenFrom(body) ?? this.csrfToken;
    return {
      status: response.status,
      location: response.headers.get("location"),
      headers: response.headers,
      setCookies: response.headers.getSetCookie(),
      body,
    };
  }

  get(path: string, init: RequestInit = {}): Promise<PageResponse> {
    return this.request(path, { ...init, method: "GET" });
  }

  /**
   * Posts an urlencoded form. `_csrf` is the last token seen unless `csrf` says otherwise
   * (`false` sends none, a string sends that one).
   */
  postForm(
    path: string,
    fields: Record<string, string> = {},
    options: { csrf?: string | false } = {},
  ): Promise<PageResponse> {
    const token = options.csrf === undefined ? this.csrfToken : options.csrf;
    const body = new URLSearchParams(fields);
    if (token !== false && token !== undefined) body.set("_csrf", token);
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  }

  /** Loads a page so the client holds a current CSRF token; returns the token. */
  async refreshCsrfToken(path = "/auth/login"): Promise<string> {
    this.csrfToken = undefined;
    await this.get(path);
    if (!this.csrfToken) throw new Error(`no csrf-token meta tag on ${path}`);
    return this.csrfToken;
  }
}

export interface SignInOptions {
  role?: "admin" | "member" | string;
  /** null signs in a user with no organization. */
  organizationId?: string | null;
  email?: string;
}

/**
 * Signs in through the real dev sign-in form (AUTH_MODE=dev): loads /auth/login, posts
 * /auth/dev-login with its CSRF token, and returns the client holding the session cookie and a
 * fresh CSRF token for its next form. Defaults: admin of org_test, admin@example.com.
 */
export async function signInAs(baseUrl: string, options: SignInOptions = {}): Promise<WebClient> {
  const client = new WebClient(baseUrl);
  await client.refreshCsrfToken("/auth/login");
  const response = await client.postForm("/auth/dev-login", {
    email: options.email ?? `${options.role === "member" ? "member" : "admin"}@example.com`,
    organizationId: options.organizationId === null ? "" : (options.organizationId ?? "org_test"),
    role: options.role ?? "admin",
  });
  if (response.status !== 303)
    throw new Error(`dev sign-in answered ${response.status}: ${response.body.slice(0, 500)}`);
  await client.refreshCsrfToken("/auth/login");
  return client;
}

/* ------------------------------------------------------------------------------------------------
 * WorkOS at the network edge: a real SDK client, real RS256 access tokens, nocked API answers
 * --------------------------------------------------------------------------------------------- */

export const WORKOS_API = "https://api.workos.com";
export const TEST_WORKOS_API_KEY = "sk_test_a1b2c3d4e5f6g7h8i9j0";
export const TEST_WORKOS_CLIENT_ID = "client_01JTESTCLIENT0000000000000";
export const TEST_WORKOS_COOKIE_PASSWORD = "test-cookie-password-at-least-32-characters-long";

/** Overrides for testConfig()/testEnv() that switch sign-in to WorkOS. */
export function workosEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AUTH_MODE: "workos",
    WORKOS_API_KEY: TEST_WORKOS_API_KEY,
    WORKOS_CLIENT_ID: TEST_WORKOS_CLIENT_ID,
    WORKOS_COOKIE_PASSWORD: TEST_WORKOS_COOKIE_PASSWORD,
    ...overrides,
  };
}

/** The real SDK client, pointed at api.workos.com (nock answers), retries off. Build one per test: it caches the JWKS. */
export function createTestWorkOS(): WorkOS {
  return new WorkOS(TEST_WORKOS_API_KEY, { clientId: TEST_WORKOS_CLIENT_ID, maxRetries: 0 });
}

export interface AccessTokenClaims {
  sub?: string;
  sid?: string;
  org_id?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  /** Seconds since the epoch; default: ten minutes from now. */
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** The RSA key WorkOS would sign access tokens with, and its JWKS. */
export class WorkOSSigningKey {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  /** `kid`: reuse another key's id to model a forged signature under a known key id. */
  constructor(readonly kid = `sso_oidc_key_pair_${randomUUID().replace(/-/g, "").slice(0, 26).toUpperCase()}`) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** An RS256 JWT shaped like a WorkOS AuthKit access token. */
  sign(claims: AccessTokenClaims = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: WORKOS_API,
      sub: "user_01JTESTUSER00000000000000",
      sid: "session_01JTESTSESSION000000000000",
      jti: randomUUID(),
      iat: now,
      exp: now + 600,
      ...claims,
    };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const input = `${encode({ alg: "RS256", typ: "JWT", kid: this.kid })}.${encode(payload)}`;
    const signature = createSign("RSA-SHA256").update(input).sign(this.privateKey).toString("base64url");
    return `${input}.${signature}`;
  }

  /** GET /sso/jwks/<clientId>, as WorkOS serves it. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ alg: "RS256", kty: "RSA", use: "sig", n: jwk.n, e: jwk.e, kid: this.kid }] };
  }
}

/** A WorkOS user object in the API's shape (snake_case). */
export function workosUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: "user",
    id: "user_01JTESTUSER00000000000000",
    email: "ada@example.com",
    email_verified: true,
    first_name: "Ada",
    last_name: "Lovelace",
    profile_picture_url: null,
    last_sign_in_at: "2026-11-24T11:59:00.000Z",
    locale: null,
    external_id: null,
    metadata: {},
    created_at: "2026-01-05T10:00:00.000Z",
    updated_at: "2026-11-24T11:59:00.000Z",
    ...overrides,
  };
}

/** The SDK's JWKS fetch (once per WorkOS client: jose caches the key set). */
export function nockWorkOSJwks(key: WorkOSSigningKey): nock.Scope {
  return nock(WORKOS_API).get(`/sso/jwks/${TEST_WORKOS_CLIENT_ID}`).reply(200, key.jwks());
}

export interface AuthenticateReply {
  user?: Record<string, unknown>;
  /** Omitted from the answer (and the token) when null. */
  organizationId?: string | null;
  accessToken: string;
  refreshToken?: string;
  authenticationMethod?: string;
}

function authenticateBody(reply: AuthenticateReply): Record<string, unknown> {
  return {
    user: reply.user ?? workosUser(),
    ...(reply.organizationId ? { organization_id: reply.organizationId } : {}),
    access_token: reply.accessToken,
    refresh_token: reply.refreshToken ?? `refresh_${randomUUID().replace(/-/g, "")}`,
    authentication_method: reply.authenticationMethod ?? "SSO",
  };
}

/** POST /user_management/authenticate with grant_type authorization_code and this code. */
export function nockAuthenticateWithCode(code: string, reply: AuthenticateReply): nock.Scope {
  return nock(WORKOS_API)
    .post(
      "/user_management/authenticate",
      (body: Record<string, unknown>) =>
        body.grant_type === "authorization_code" &&
        body.code === code &&
        body.client_id === TEST_WORKOS_CLIENT_ID &&
        body.client_secret === TEST_WORKOS_API_KEY,
    )
    .reply(200, authenticateBody(reply));
}

/** nockAuthenticateWithCode, keeping the request body WorkOS received (e.g. the user's `ip_address`). */
export function nockAuthenticateWithCodeRecording(
  code: string,
  reply: AuthenticateReply,
): { scope: nock.Scope; sent: () => Record<string, unknown> | undefined } {
  let sent: Record<string, unknown> | undefined;
  const scope = nock(WORKOS_API)
    .post("/user_management/authenticate", (body: Record<string, unknown>) => {
      if (body.grant_type !== "authorization_code" || body.code !== code) return false;
      sent = body;
      return true;
    })
    .reply(200, authenticateBody(reply));
  return { scope, sent: () => sent };
}

/** POST /user_management/authenticate with grant_type refresh_token and this refresh token. */
export function nockAuthenticateWithRefreshToken(refreshToken: string, reply: AuthenticateReply): nock.Scope {
  return nock(WORKOS_API)
    .post(
      "/user_management/authenticate",
      (body: Record<string, unknown>) =>
        body.grant_type === "refresh_token" &&
        body.refresh_token === refreshToken &&
        body.client_id === TEST_WORKOS_CLIENT_ID,
    )
    .reply(200, authenticateBody(reply));
}

/** WorkOS's answer to a code or refresh token it does not accept (400 invalid_grant). */
export function nockAuthenticateInvalidGrant(
  grantType: "authorization_code" | "refresh_token",
  description = "The code has expired or is invalid.",
): nock.Scope {
  return nock(WORKOS_API)
    .post("/user_management/authenticate", (body: Record<string, unknown>) => body.grant_type === grantType)
    .reply(400, { error: "invalid_grant", error_description: description });
}

/** `GET /organizations/{id}` with the API key: the organization as WorkOS names it (test/fixtures/workos/organization.json). */
export function nockWorkOSOrganization(
  organizationId: string,
  reply: { name: string } | { status: 404 | 500 },
): nock.Scope {
  const scope = nock(WORKOS_API)
    .get(`/organizations/${organizationId}`)
    .matchHeader("authorization", `Bearer ${TEST_WORKOS_API_KEY}`);
  if ("status" in reply) {
    return reply.status === 404
      ? scope.reply(404, {
          message: `Organization not found: '${organizationId}'.`,
          code: "entity_not_found",
          entity_id: organizationId,
        })
      : scope.reply(500, { message: "Internal Server Error" });
  }
  const fixture = JSON.parse(
    readFileSync(new URL("../fixtures/workos/organization.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>;
  return scope.reply(200, { ...fixture, id: organizationId, name: reply.name });
}
