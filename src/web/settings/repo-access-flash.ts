import type { Request } from "express";
import { appNameOf } from "../middleware/page-identity.js";
import { describeGitHubFailure, gitHubFailure } from "../../github/request-failure.js";
import type { RepoDoc } from "../../models/repo.js";
import { refreshRepoAccess } from "../../repos/repo-access.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { addFlash } from "../session/flow.js";

const MAX_NAMES = 10;

function names(repos: RepoDoc[]): string {
  const shown = repos.slice(0, MAX_NAMES).map((repo) => repo.name);
  const more = repos.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * After a link (rule 5): asks GitHub which of the organization's stored repos the installation
 * reaches, updates them, and says which are reachable again and which are not in a flash. A
 * failure to ask is said too; the link itself stands.
 */
export async function reportRepoAccess(
  req: Request,
  deps: GitHubConnectDeps,
  organizationId: string,
  installationId: number,
): Promise<void> {
  try {
    const result = await refreshRepoAccess(
      {
        models: deps.models,
        now: deps.now,
        listInstallationRepositoryIds: (id) => deps.appClient.listInstallationRepositoryIds(id),
        log: req.log,
      },
      organizationId,
      installationId,
    );
    if (result.reachable.length > 0) addFlash(req, "success", `Reachable again: ${names(result.reachable)}.`);
    // Deleted or transferred on GitHub: the page says so, and adding it to the installation would not help.
    const unselected = result.unreachable.filter((repo) => !repo.deletedOnGitHubAt && !repo.transferredTo);
    const missing = unselected.length;
    if (missing > 0) {
      addFlash(
        req,
        "error",
        `Not reachable: ${names(unselected)}. ${appNameOf(req.res!)} has no access to ${missing === 1 ? "this repository" : "these repositories"}: choose Manage on GitHub and add ${missing === 1 ? "it" : "them"} to the installation's repositories.`,
      );
    }
  } catch (error) {
    const github = gitHubFailure(error);
    if (github) {
      req.log.warn(
        { installationId, github: { status: github.status, request: github.request } },
        `could not list the installation's repositories: ${describeGitHubFailure(github)}`,
      );
    } else {
      req.log.warn({ err: error, installationId }, "could not list the installation's repositories");
    }
    addFlash(
      req,
      "error",
      `${appNameOf(req.res!)} could not check which projects it can reach; the list below shows what it last knew. Reload this page in a minute.`,
    );
  }
}
