import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";
import type { ListedRepository, RepoAccessResult } from "./repo-access.js";
import { applyRepositoryEvent, type RepoChangeDeps, type RepositoryEvent } from "./repo-github-changes.js";

/** `GET /repositories/{id}` with the installation's token (github/app-client.ts): null on 404. */
export type FindRepositoryById = (
  installationId: number,
  githubRepoId: number,
) => Promise<(ListedRepository & { ownerId: number; ownerLogin: string }) | null>;

export interface RepoDriftDeps {
  models: Models;
  now: () => Date;
  log: Logger;
  findRepositoryById: FindRepositoryById;
}

export interface RepoDriftResult {
  /** Stored repos a change was applied to (renamed, archived or unarchived, deleted, transferred). */
  changed: number;
  /** GET /repositories/{id} requests made. */
  apiCalls: number;
}

/** Who the activity page names for what the job found. */
const RECONCILE_ACTOR = "reconcile";

/**
 * The repo changes whose webhooks were lost, from the listing refreshRepoAccess just read: each
 * listed repo's name, full name and archived state, through the same writer (and order guard) as
 * the `repository` webhooks. A stored repo the listing lacks that was reachable until now is asked
 * about once, by id: found, it was renamed or transferred (and is no longer selected); a 404 is a
 * deletion only when the installation reaches all the account's repositories. With "Only select
 * repositories" GitHub answers 404 for a private repo that is merely not selected too, so the repo
 * stays "not selected" rather than being called deleted on a guess (its repository.deleted
 * webhook still says so).
 */
export async function refreshRepoDetails(
  deps: RepoDriftDeps,
  installationId: number,
  access: Pick<RepoAccessResult, "reachable" | "lost" | "listing">,
): Promise<RepoDriftResult> {
  const changeDeps: RepoChangeDeps = { models: deps.models, now: deps.now, log: deps.log };
  const listed = new Map((access.listing.repos ?? []).map((repo) => [repo.id, repo]));
  let changed = 0;
  const apply = async (event: Omit<RepositoryEvent, "actor">) => {
    if ((await applyRepositoryEvent(changeDeps, { ...event, actor: RECONCILE_ACTOR })) === "applied") changed++;
  };

  for (const repo of access.reachable) {
    const now = listed.get(repo.githubRepoId as number);
    if (!now) continue;
    const base = { githubRepoId: now.id, eventAt: now.updatedAt };
    if (now.name !== repo.name || now.fullName !== repo.fullName)
      await apply({ ...base, change: { kind: "renamed", name: now.name, fullName: now.fullName } });
    if (now.archived !== (repo.archived ?? false))
      await apply({ ...base, change: { kind: "archived", archived: now.archived } });
  }

  let apiCalls = 0;
  for (const repo of access.lost as RepoDoc[]) {
    if (repo.deletedOnGitHubAt || repo.transferredTo) continue;
    const githubRepoId = repo.githubRepoId as number;
    apiCalls++;
    const found = await deps.findRepositoryById(installationId, githubRepoId);
    if (found) {
      const { name, fullName, ownerId, ownerLogin } = found;
      await apply({
        githubRepoId,
        eventAt: found.updatedAt,
        change: { kind: "transferred", name, fullName, ownerId, ownerLogin },
      });
      if (found.archived !== (repo.archived ?? false))
        await apply({ githubRepoId, eventAt: found.updatedAt, change: { kind: "archived", archived: found.archived } });
    } else if (access.listing.repositorySelection === "all") {
      await apply({ githubRepoId, eventAt: null, change: { kind: "deleted" } });
    } else {
      deps.log.info(
        { githubRepoId, slug: repo.slug },
        "reconcile: a repo the installation no longer lists answers 404; with selected repositories that is not selected or deleted, so it stays not selected",
      );
    }
  }
  return { changed, apiCalls };
}
