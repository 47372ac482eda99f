import type { AnyBulkWriteOperation, Types } from "mongoose";
import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";
import { repoData } from "../events/event-data.js";
import { recordEvent } from "../events/event-log.js";

type StoredRepo = RepoDoc & { _id: Types.ObjectId };

/** One repository as GET /installation/repositories lists it: what the reconcile job refreshes. */
export interface ListedRepository {
  id: number;
  name: string;
  fullName: string;
  archived: boolean;
  /** The repository's updated_at (or pushed_at, the later), for the same order guard as its webhooks. */
  updatedAt: Date | null;
}

/** What an installation can reach, and how many GitHub requests it took to find out. */
export interface InstallationRepositoryIds {
  ids: number[];
  apiCalls: number;
  /** The listed repositories themselves (absent from callers that only need the ids). */
  repos?: ListedRepository[];
  /** "all" or "selected", as the listing says. */
  repositorySelection?: string | null;
}

export type ListInstallationRepositoryIds = (installationId: number) => Promise<InstallationRepositoryIds>;

export interface RepoAccessDeps {
  models: Pick<Models, "Repo" | "Event">;
  /** The events' timestamp (absent: the clock). */
  now?: () => Date;
  listInstallationRepositoryIds: ListInstallationRepositoryIds;
  log: Logger;
}

export interface RepoAccessResult {
  /** The organization's stored repos the installation reaches (accessible now true). */
  reachable: RepoDoc[];
  /** The rest, including repos with no GitHub id yet (accessible now false). */
  unreachable: RepoDoc[];
  /** GitHub requests made (pages of `GET /installation/repositories`). */
  apiCalls: number;
  /** Database writes made: at most two updateMany calls, none when nothing changed. */
  writes: number;
  /** Stored repos whose reachability this call changed. */
  changed: number;
  /** The reachable ones of those that were reachable before: the listing lacks them now. */
  lost: RepoDoc[];
  /** The listing itself. */
  listing: InstallationRepositoryIds;
}

/**
 * Rule 5, after a reconnect: asks GitHub once (all pages) which repositories the installation
 * reaches, then marks the organization's stored repos reachable or not with at most two
 * updateMany calls, however many repos there are. Repo documents and their ids are never removed.
 */
export async function refreshRepoAccess(
  deps: RepoAccessDeps,
  organizationId: string,
  installationId: number,
): Promise<RepoAccessResult> {
  const { models, log } = deps;
  const listing = await deps.listInstallationRepositoryIds(installationId);
  const { ids, apiCalls } = listing;
  const reachableIds = new Set(ids);
  const stored = await models.Repo.find({ organizationId }).sort({ name: 1 }).lean<StoredRepo[]>();

  const reachable: StoredRepo[] = [];
  const unreachable: StoredRepo[] = [];
  for (const repo of stored) {
    (typeof repo.githubRepoId === "number" && reachableIds.has(repo.githubRepoId) ? reachable : unreachable).push(repo);
  }

  // Only the documents read above, by _id: bounded by the org's repos however many the
  // installation reaches, and a repo created meanwhile keeps the access its creator set.
  const grant = reachable.filter((repo) => !repo.accessible).map((repo) => repo._id);
  const lost = unreachable.filter((repo) => repo.accessible && typeof repo.githubRepoId === "number");
  const revoke = unreachable.filter((repo) => repo.accessible).map((repo) => repo._id);
  let writes = 0;
  if (grant.length > 0) {
    writes++;
    await models.Repo.updateMany({ _id: { $in: grant } }, { $set: { accessible: true } });
  }
  if (revoke.length > 0) {
    writes++;
    await models.Repo.updateMany({ _id: { $in: revoke } }, { $set: { accessible: false } });
  }
  for (const repo of reachable) repo.accessible = true;
  for (const repo of unreachable) repo.accessible = false;
  // Asked of a live installation (after a link, or by the reconcile job): its repos are not paused.
  const at = deps.now?.() ?? new Date();
  const granted = new Set(grant.map(String));
  const revoked = new Set(revoke.map(String));
  for (const repo of [...reachable, ...unreachable]) {
    const id = String(repo._id);
    if (!granted.has(id) && !revoked.has(id)) continue;
    await recordEvent(models, at, {
      type: repo.accessible ? "repo.reachable" : "repo.unreachable",
      organizationId,
      data: repoData(repo, "connected"),
    });
  }

  log.info(
    { organizationId, installationId, reachable: reachable.length, unreachable: unreachable.length, apiCalls, writes },
    "repository access refreshed",
  );
  return { reachable, unreachable, apiCalls, writes, changed: grant.length + revoke.length, lost, listing };
}

/**
 * Marks which of an organization's known repos the installation now reaches and which it no
 * longer does; unknown ids are ignored, and with no organization there is nothing to mark.
 * One read of the repos that change (bounded by the organization's repos, however many ids the
 * event names), then one command. Returns those repos as they are now, for their events. Two
 * deliveries changing the same repo in the same instant could both return it (the same delivery
 * twice cannot: the delivery log refuses the second).
 */
export async function updateRepoAccess(
  models: Models,
  organizationId: string | null | undefined,
  change: { reachable?: number[]; unreachable?: number[] },
): Promise<RepoDoc[]> {
  if (!organizationId) return [];
  const operations: Array<AnyBulkWriteOperation<RepoDoc>> = [];
  const changed: RepoDoc[] = [];
  for (const [ids, accessible] of [
    [change.reachable ?? [], true],
    [change.unreachable ?? [], false],
  ] as const) {
    if (ids.length === 0) continue;
    const repos = await models.Repo.find({
      organizationId,
      githubRepoId: { $in: ids },
      accessible: !accessible,
    }).lean<StoredRepo[]>();
    if (repos.length === 0) continue;
    operations.push({
      updateMany: {
        filter: { _id: { $in: repos.map((repo) => repo._id) }, accessible: !accessible },
        update: { $set: { accessible } },
      },
    });
    for (const repo of repos) changed.push({ ...repo, accessible });
  }
  if (operations.length === 0) return [];
  await models.Repo.bulkWrite(operations, { ordered: true });
  return changed;
}

export async function setAllRepoAccess(
  models: Models,
  organizationId: string | null | undefined,
  accessible: boolean,
): Promise<number> {
  if (!organizationId) return 0;
  const result = await models.Repo.updateMany({ organizationId, accessible: !accessible }, { $set: { accessible } });
  return result.modifiedCount;
}
