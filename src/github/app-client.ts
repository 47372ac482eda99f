import type { Probot } from "probot";
import type { InstallationRepositoryIds } from "../repos/repo-access.js";
import { statusOf } from "../lib/error-details.js";
import { cappedPages } from "./request-limits.js";

/**
 * GitHub calls the App makes as itself (App JWT) or as one installation (installation token),
 * built on Probot's `auth()`, which signs the JWT, mints and caches installation tokens, and
 * points at GHES when the Probot instance was given its API URL.
 */
export interface GitHubAppClient {
  /** `DELETE /app/installations/{id}`; 404 means GitHub already forgot it, which is what we wanted. */
  uninstall(installationId: number): Promise<"uninstalled" | "already-gone">;
  /** `GET /app/installations/{id}`; null when GitHub answers 404. */
  getInstallation(installationId: number): Promise<Record<string, unknown> | null>;
  /**
   * Every repository id the installation reaches (`GET /installation/repositories`, 100 a page, all
   * pages up to REPOSITORY_PAGES_MAX; past it GitHubLimitError, never a partial list).
   */
  listInstallationRepositoryIds(installationId: number): Promise<InstallationRepositoryIds>;
}

/** 30,000 repositories: an installation on "All repositories" of a large organization still fits. */
export const REPOSITORY_PAGES_MAX = 300;

/** How long a person waits on GitHub for an uninstall before the page says GitHub did not answer. */
const UNINSTALL_TIMEOUT_MS = 5_000;

/** GitHub did not answer within the time a person waits. */
export class GitHubTimeoutError extends Error {
  override name = "GitHubTimeoutError";
  constructor(
    readonly request: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`${request}: GitHub did not answer within ${timeoutMs} ms`, options);
  }
}

export function createGitHubAppClient(deps: { probot: Probot; uninstallTimeoutMs?: number }): GitHubAppClient {
  const { probot } = deps;
  const uninstallTimeoutMs = deps.uninstallTimeoutMs ?? UNINSTALL_TIMEOUT_MS;
  return {
    async uninstall(installationId) {
      const octokit = await probot.auth();
      const signal = AbortSignal.timeout(uninstallTimeoutMs);
      try {
        // A person is waiting on the page: no retries past the timeout, a message instead.
        await octokit.request("DELETE /app/installations/{installation_id}", {
          installation_id: installationId,
          request: { signal, retries: 0 },
        });
        return "uninstalled";
      } catch (error) {
        if (statusOf(error) === 404) return "already-gone";
        // Octokit turns the signal's TimeoutError into a RequestError 500 without its cause: ask the signal.
        if (signal.aborted)
          throw new GitHubTimeoutError(`DELETE /app/installations/${installationId}`, uninstallTimeoutMs, {
            cause: error,
          });
        throw error;
      }
    },

    async getInstallation(installationId) {
      const octokit = await probot.auth();
      try {
        const { data } = await octokit.request("GET /app/installations/{installation_id}", {
          installation_id: installationId,
        });
        return data as unknown as Record<string, unknown>;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    async listInstallationRepositoryIds(installationId) {
      const octokit = await probot.auth(installationId);
      const ids: number[] = [];
      let apiCalls = 0;
      const pages = octokit.paginate.iterator("GET /installation/repositories", { per_page: 100 });
      for await (const page of cappedPages(pages, "GET /installation/repositories", REPOSITORY_PAGES_MAX)) {
        apiCalls++;
        for (const repo of page.data) ids.push(repo.id);
      }
      return { ids, apiCalls };
    },
  };
}
