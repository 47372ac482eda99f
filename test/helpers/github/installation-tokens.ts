import nock from "nock";
import { documentedBody } from "../contract/openapi-responses.js";
import { githubFixture, INSTALLATION_TOKEN, type Json } from "./fixtures.js";
import { repositoryJson } from "./repos.js";
import { APP_JWT, errorBody, GITHUB_API, SERVER_ERROR } from "./rest.js";

/* Installation tokens the App mints (`POST /app/installations/{id}/access_tokens`), whole or narrowed for other services (src/credentials/credentials.ts). */

const MINT = "POST /app/installations/{installation_id}/access_tokens";

/** `POST /app/installations/{id}/access_tokens` signed with the App's JWT: 201 and a token. */
export function nockInstallationToken(installationId: number): nock.Scope {
  return nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`)
    .matchHeader("authorization", APP_JWT)
    .reply(201, documentedBody(MINT, 201, githubFixture("installation-access-token")));
}

export type PermissionLevelSpec = "read" | "write" | "admin";

export interface TokenScopeSpec {
  repositoryIds?: number[];
  permissions?: Record<string, PermissionLevelSpec>;
}

/** A distinct installation token per mint, so a test can tell which mint answered. */
export function installationTokenNumber(n: number): string {
  return `${INSTALLATION_TOKEN}${String(n).padStart(4, "0")}`;
}

/** The body @octokit/auth-app sends for a scope: nothing for an unscoped token (ids compared as a set: auth-app reorders them). */
function tokenRequestBody(scope: TokenScopeSpec): (body: unknown) => boolean {
  const sortIds = (ids: unknown) => (Array.isArray(ids) ? [...(ids as number[])].sort((a, b) => a - b) : ids);
  const expected = JSON.stringify({ repository_ids: sortIds(scope.repositoryIds), permissions: scope.permissions });
  return (body) => {
    const sent = (typeof body === "object" && body !== null ? body : {}) as Json;
    return JSON.stringify({ repository_ids: sortIds(sent.repository_ids), permissions: sent.permissions }) === expected;
  };
}

/** The 201 GitHub answers a narrowed request with: the permissions asked for, the repositories named, repository_selection "selected" when narrowed to repositories. */
export function scopedTokenJson(scope: TokenScopeSpec = {}, options: { token?: string } = {}): Json {
  const base = githubFixture<Json>("installation-access-token");
  return {
    ...base,
    token: options.token ?? base.token,
    ...(scope.permissions ? { permissions: scope.permissions } : {}),
    ...(scope.repositoryIds
      ? {
          repository_selection: "selected",
          repositories: scope.repositoryIds.map((id) => repositoryJson({ id, name: `repo-${id}` })),
        }
      : {}),
  };
}

/** `POST /app/installations/{id}/access_tokens` with the App's JWT and exactly this scope in the body: 201 with scopedTokenJson. */
export function nockScopedInstallationToken(
  installationId: number,
  scope: TokenScopeSpec = {},
  options: { token?: string } = {},
): nock.Scope {
  return nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`, tokenRequestBody(scope))
    .matchHeader("authorization", APP_JWT)
    .reply(201, documentedBody(MINT, 201, scopedTokenJson(scope, options)));
}

export type TokenRefusal = "permissions" | "repositories" | "suspended" | "missing" | "server-error" | "bad-jwt";

/** GitHub refusing to mint: 422 for a scope beyond the installation, 403 suspended, 404 uninstalled, 500. */
export function nockInstallationTokenRefused(installationId: number, refusal: TokenRefusal): nock.Scope {
  const scope = nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`)
    .matchHeader("authorization", APP_JWT);
  switch (refusal) {
    case "permissions":
      return scope.reply(
        422,
        documentedBody(MINT, 422, githubFixture("installation-access-token-permissions-refused")),
      );
    case "repositories":
      return scope.reply(
        422,
        documentedBody(MINT, 422, githubFixture("installation-access-token-repositories-refused")),
      );
    case "suspended":
      return scope.reply(403, documentedBody(MINT, 403, githubFixture("installation-access-token-suspended")));
    case "missing":
      return scope.reply(
        404,
        errorBody(
          MINT,
          404,
          "Not Found",
          "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
        ),
      );
    case "server-error":
      return scope.reply(500, SERVER_ERROR);
    case "bad-jwt":
      // What GitHub answers a JWT signed with another App's key (or an expired one).
      return scope.reply(
        401,
        errorBody(MINT, 401, "A JSON web token could not be decoded", "https://docs.github.com/rest"),
      );
  }
}
