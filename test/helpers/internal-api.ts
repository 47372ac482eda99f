import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Models } from "../../src/models/index.js";
import { createCredentials, type Credentials } from "../../src/credentials/credentials.js";
import { TestOctokit } from "./test-server.js";
import { testConfig } from "./test-config.js";
import { type AccountSpec, ACME } from "./github/fixtures.js";

/** Two service tokens, as during a rotation (INTERNAL_API_TOKENS="old,new"). */
export const SERVICE_TOKEN_OLD = "svc-old-0123456789abcdef0123456789abcdef";
export const SERVICE_TOKEN_NEW = "svc-new-fedcba9876543210fedcba9876543210";
/** The single-tenant deployment's personal token (classic format). */
export const LEGACY_TOKEN = "ghp_legacyPersonalToken0123456789abcdefABCD";
export const LEGACY_ORGANIZATION = "org_legacy_tenant";

export function internalApiEnv(): Record<string, string> {
  return {
    INTERNAL_API_TOKENS: `${SERVICE_TOKEN_OLD},${SERVICE_TOKEN_NEW}`,
    LEGACY_GITHUB_TOKEN: LEGACY_TOKEN,
    LEGACY_GITHUB_ORGANIZATIONS: `${LEGACY_ORGANIZATION}, org_legacy_other`,
  };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface CallOptions {
  /** The service token; null sends no Authorization header. */
  token?: string | null;
  /** A JSON body (serialised here), or raw text with its own content type. */
  json?: unknown;
  raw?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

/** One call to the internal API over HTTP, as another service makes it. */
export async function callInternalApi(
  url: string,
  method: "GET" | "POST",
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? SERVICE_TOKEN_OLD : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.raw) {
    headers["content-type"] = options.raw.contentType;
    body = options.raw.body;
  }
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

export function requestToken(url: string, organizationId: string, options: CallOptions = {}): Promise<ApiAnswer> {
  return callInternalApi(url, "POST", `/api/internal/orgs/${organizationId}/github-token`, options);
}

export interface StoredInstallationSpec {
  installationId: number;
  organizationId: string | null;
  account?: AccountSpec;
  permissions?: Record<string, string>;
  repositorySelection?: "all" | "selected";
  suspendedAt?: Date | null;
  deletedAt?: Date | null;
}

/** An installation as the webhooks and the connect flow leave it in the database. */
export async function storeInstallation(models: Models, spec: StoredInstallationSpec): Promise<void> {
  const account = spec.account ?? ACME;
  await models.GitHubInstallation.create({
    installationId: spec.installationId,
    accountId: account.id,
    accountLogin: account.login,
    accountType: account.type ?? "Organization",
    repositorySelection: spec.repositorySelection ?? "selected",
    permissions: spec.permissions ?? { administration: "write", contents: "write", members: "read", metadata: "read" },
    events: ["repository"],
    organizationId: spec.organizationId,
    suspendedAt: spec.suspendedAt ?? null,
    deletedAt: spec.deletedAt ?? null,
  });
}

/** The real credentials service on the test database, with the legacy token for LEGACY_ORGANIZATION only. */
export function testCredentials(models: Models, probot: Probot, log: Logger): Credentials {
  return createCredentials({
    models,
    probot,
    legacyGitHub: { token: LEGACY_TOKEN, organizationIds: [LEGACY_ORGANIZATION] },
    Octokit: TestOctokit,
    apiUrl: testConfig().github.apiUrl,
    log,
  });
}
