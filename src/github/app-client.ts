import type { Probot } from "probot";
import type { InstallationRepositoryIds, ListedRepository } from "../repos/repo-access.js";
import { isObject, latest, parseGitHubTime } from "./payload.js";
import { statusOf } from "../lib/error-details.js";
import { cappedPages } from "./request-limits.js";
import { parseAppHookConfig, parseLiveApp, type AppHookConfig, type LiveApp } from "./live-app.js";

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
  /**
   * `GET /repositories/{id}` with the installation's token: the repository wherever it now is
   * (renamed or transferred), or null on 404 (deleted, or private and not selected for the App).
   */
  findRepositoryById(installationId: number, githubRepoId: number): Promise<RepositoryById | null>;
  /** `GET /app`, now (no cache): the operator console's doctor holds it against app.yml. */
  getApp(): Promise<LiveApp>;
  /** `GET /app/hook/config`: where GitHub sends the App's webhooks. */
  getAppHookConfig(): Promise<AppHookConfig>;
}

/** A repository found by its id, with the account that owns it now. */
export interface RepositoryById extends ListedRepository {
  ownerId: number;
  ownerLogin: string;
}

/** The fields kept of a repository object; null when GitHub's answer lacks them (rule 9: no shape is trusted). */
function listedRepository(data: unknown): ListedRepository | null {
  if (!isObject(data)) return null;
  const { id, name, full_name: fullName, archived } = data;
  if (typeof id !== "number" || typeof name !== "string" || typeof fullName !== "string") return null;
  return {
    id,
    name,
    fullName,
    archived: archived === true,
    updatedAt: latest(parseGitHubTime(data.updated_at), parseGitHubTime(data.pushed_at)),
  };
}

/** 30,000 repositories: an installation on "All repositories" of a large organization still fits. */
export const REPOSITORY_PAGES_MAX = 300;

/** How long a person waits on GitHub for an uninstall before the page says GitHub did not answer. */
const UNINSTALL_TIMEOUT_MS = 5_000;

/** How long the doctor's page waits on each of its GitHub calls. */
const APP_READ_TIMEOUT_MS = 8_000;

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

export function createGitHubAppClient(deps: {
  probot: Probot;
  uninstallTimeoutMs?: number;
  appReadTimeoutMs?: number;
}): GitHubAppClient {
  const { probot } = deps;
  const uninstallTimeoutMs = deps.uninstallTimeoutMs ?? UNINSTALL_TIMEOUT_MS;
  const appReadTimeoutMs = deps.appReadTimeoutMs ?? APP_READ_TIMEOUT_MS;

  /** One App-JWT read a person waits for: no retries, a timeout that says so. */
  async function readAsApp(route: "GET /app" | "GET /app/hook/config"): Promise<unknown> {
    const octokit = await probot.auth();
    const signal = AbortSignal.timeout(appReadTimeoutMs);
    try {
      const { data } = await octokit.request(route, { request: { signal, retries: 0 } });
      return data;
    } catch (error) {
      if (signal.aborted) throw new GitHubTimeoutError(route, appReadTimeoutMs, { cause: error });
      throw error;
    }
  }

  return {
    getApp: async () => parseLiveApp(await readAsApp("GET /app")),
    getAppHookConfig: async () => parseAppHookConfig(await readAsApp("GET /app/hook/config")),

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
      const repos: ListedRepository[] = [];
      let apiCalls = 0;
      let repositorySelection: string | null = null;
      const pages = octokit.paginate.iterator("GET /installation/repositories", { per_page: 100 });
      for await (const page of cappedPages(pages, "GET /installation/repositories", REPOSITORY_PAGES_MAX)) {
        apiCalls++;
        // Octokit's paginate moves the list up to `data` and keeps repository_selection on it.
        const selection = (page.data as { repository_selection?: unknown }).repository_selection;
        if (typeof selection === "string") repositorySelection = selection;
        for (const repo of page.data) {
          ids.push(repo.id);
          const listed = listedRepository(repo);
          if (listed) repos.push(listed);
        }
      }
      return { ids, apiCalls, repos, repositorySelection };
    },

    async findRepositoryById(installationId, githubRepoId) {
      const octokit = await probot.auth(installationId);
      try {
        // Not in GitHub's REST description, but served: the same full repository as GET /repos/{owner}/{repo}.
        const { data } = await octokit.request("GET /repositories/{repository_id}", { repository_id: githubRepoId });
        const listed = listedRepository(data);
        const owner = isObject(data) ? data.owner : null;
        if (!listed || !isObject(owner) || typeof owner.id !== "number" || typeof owner.login !== "string") {
          throw new Error(`GET /repositories/${githubRepoId}: GitHub's answer is not a repository`);
        }
        return { ...listed, ownerId: owner.id, ownerLogin: owner.login };
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
  };
}
