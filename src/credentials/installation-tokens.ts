import type { Probot } from "probot";
import { statusOf } from "../lib/error-details.js";
import {
  GitHubTokenUnavailableError,
  InstallationDeletedError,
  InstallationSuspendedError,
  PermissionNotGrantedError,
  RepositoryNotReachableError,
} from "./credential-errors.js";
import { asksForAdmin, type TokenScope } from "./token-scope.js";

/** An installation token as @octokit/auth-app describes it (`{type: "token", tokenType: "installation", …}`). */
export interface InstallationToken {
  token: string;
  expiresAt: string;
  permissions: Record<string, string>;
  repositorySelection: "all" | "selected";
}

export interface InstallationRef {
  organizationId: string;
  installationId: number;
  accountLogin: string;
}

export type MintInstallationToken = (installation: InstallationRef, scope: TokenScope) => Promise<InstallationToken>;

function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  return typeof data?.message === "string" ? data.message : "";
}

/** GitHub's refusals, as the errors a service is shown; never the request or its headers. */
function refusal(error: unknown, installation: InstallationRef, scope: TokenScope): Error {
  const { organizationId, installationId, accountLogin } = installation;
  const status = statusOf(error);
  const message = githubMessage(error);
  // "The permissions requested are not granted to this installation."
  if (status === 422 && /permission/i.test(message))
    return new PermissionNotGrantedError(installationId, accountLogin, []);
  // "There is at least one repository that does not exist or is not accessible to the parent installation."
  if (status === 422 && scope.repositoryIds)
    return new RepositoryNotReachableError(installationId, accountLogin, scope.repositoryIds, false);
  // A lost webhook: GitHub knows better than our copy.
  if (status === 403 && /suspend/i.test(message))
    return new InstallationSuspendedError(organizationId, installationId, accountLogin);
  if (status === 404) return new InstallationDeletedError(organizationId, installationId, accountLogin);
  return new GitHubTokenUnavailableError(installationId, status, { cause: error });
}

/**
 * Installation tokens through the App's own @octokit/auth-app (Probot's `auth()`), so each
 * installation and scope is minted once and served from auth-app's cache until a minute before
 * GitHub's hour is up: the same cache `probot.auth(installationId)` reads for webhooks.
 *
 * One exception: auth-app's cache key writes "write" and "admin" alike (`name!`), so a token
 * minted with an admin level would answer a later request for write on the same scope, wider
 * than asked. Scopes with an admin level are minted outside that cache, each time.
 */
export function createInstallationTokenMinter(probot: Probot): MintInstallationToken {
  return async (installation, scope) => {
    const { installationId } = installation;
    // auth-app sorts repositoryIds in place to build its key: give it a copy.
    const narrowed = {
      ...(scope.repositoryIds ? { repositoryIds: [...scope.repositoryIds] } : {}),
      ...(scope.permissions ? { permissions: { ...scope.permissions } } : {}),
    };
    try {
      const app = await probot.auth();
      if (!asksForAdmin(scope)) {
        return (await app.auth({ type: "installation", installationId, ...narrowed })) as InstallationToken;
      }
      const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: installationId,
        repository_ids: narrowed.repositoryIds,
        permissions: narrowed.permissions as Record<string, "read" | "write">,
      });
      return {
        token: data.token,
        expiresAt: data.expires_at,
        permissions: (data.permissions ?? {}) as Record<string, string>,
        repositorySelection: data.repository_selection ?? "all",
      };
    } catch (error) {
      throw refusal(error, installation, scope);
    }
  };
}
