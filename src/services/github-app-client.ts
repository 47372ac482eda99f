import type { Probot } from "probot";
import type { InstallationRepositoryIds } from "./repo-access.js";
import { statusOf } from "../error-details.js";

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
  /** Every repository id the installation reaches (`GET /installation/repositories`, 100 a page, all pages). */
  listInstallationRepositoryIds(installationId: number): Promise<InstallationRepositoryIds>;
}

export function createGitHubAppClient(deps: { probot: Probot }): GitHubAppClient {
  const { probot } = deps;
  return {
    async uninstall(installationId) {
      const octokit = await probot.auth();
      try {
        await octokit.request("DELETE /app/installations/{installation_id}", { installation_id: installationId });
        return "uninstalled";
      } catch (error) {
        if (statusOf(error) === 404) return "already-gone";
        throw error;
      }
    },

    async getInstallation(installationId) {
      const octokit = await probot.auth();
      try {
        const { data } = await octokit.request("GET /app/installations/{installation_id}", { installation_id: installationId });
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
      for await (const page of octokit.paginate.iterator("GET /installation/repositories", { per_page: 100 })) {
        apiCalls++;
        for (const repo of page.data) ids.push(repo.id);
      }
      return { ids, apiCalls };
    },
  };
}
