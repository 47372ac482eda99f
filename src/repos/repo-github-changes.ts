import type { Logger } from "pino";
import type { Types } from "mongoose";
import { recordAudit } from "../events/audit-log.js";
import { repoData } from "../events/event-data.js";
import { type EventType, recordEvent } from "../events/event-log.js";
import { latest } from "../github/payload.js";
import { findGitHubConnection } from "../installations/organization-connection.js";
import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";
import type { DeliveryOutcome } from "../webhooks/delivery-log.js";

type StoredRepo = RepoDoc & { _id: Types.ObjectId };

/** What GitHub says became of a repository (a `repository` webhook, or the reconcile job's listing). */
export type RepositoryChange =
  | { kind: "renamed"; name: string; fullName: string }
  /** `owner`: the account it belongs to now. */
  | { kind: "transferred"; name: string; fullName: string; ownerId: number; ownerLogin: string }
  | { kind: "deleted" }
  | { kind: "archived"; archived: boolean };

export interface RepositoryEvent {
  githubRepoId: number;
  /** GitHub's newest timestamp on the repository; null applies the change unguarded and leaves lastEventAt alone. */
  eventAt: Date | null;
  change: RepositoryChange;
  /** "github:<login>" for a webhook's sender, "reconcile" for the job. */
  actor: string;
}

export interface RepoChangeDeps {
  models: Models;
  now: () => Date;
  log: Logger;
}

interface Planned {
  set: Record<string, unknown>;
  /** The audit action, which is also the event's type. */
  action: EventType;
  details: Record<string, unknown>;
}

/** The organization's GitHub account (its live installation's, else the last one's): where its repos belong. */
async function accountIdOf(models: Models, organizationId: string): Promise<number | null> {
  const { installation } = await findGitHubConnection(models, organizationId);
  return installation?.accountId ?? null;
}

const ownerOf = (fullName: string | null | undefined) => fullName?.split("/")[0]?.toLowerCase() ?? null;

/** What `change` does to one stored repo, or null when it is already so. */
async function plan(models: Models, repo: StoredRepo, change: RepositoryChange, now: Date): Promise<Planned | null> {
  const base = { slug: repo.slug, githubRepoId: repo.githubRepoId };
  switch (change.kind) {
    case "renamed":
      if (repo.name === change.name && repo.fullName === change.fullName) return null;
      // The slug stays: it is the project's name here, and other services may key on it.
      return {
        set: { name: change.name, fullName: change.fullName },
        action: "repo.renamed",
        details: { ...base, from: repo.fullName, to: change.fullName },
      };
    case "transferred": {
      const accountId = await accountIdOf(models, repo.organizationId);
      if (accountId !== null && change.ownerId === accountId) {
        // Within the account (or back into it): the repo stays the organization's under its new full name.
        if (repo.fullName === change.fullName && repo.name === change.name && repo.transferredTo === null) return null;
        // Same owner in the full name: GitHub (asked by id) shows a rename, not a transfer.
        const owner = ownerOf(repo.fullName);
        const sameOwner = repo.transferredTo === null && (owner === null || owner === change.ownerLogin.toLowerCase());
        return {
          set: { name: change.name, fullName: change.fullName, transferredTo: null },
          action: sameOwner ? "repo.renamed" : "repo.transferred",
          details: sameOwner
            ? { ...base, from: repo.fullName, to: change.fullName }
            : { ...base, from: repo.fullName, to: change.fullName, leftAccount: false },
        };
      }
      if (repo.transferredTo === change.fullName) return null;
      return {
        set: { transferredTo: change.fullName, accessible: false },
        action: "repo.transferred",
        details: { ...base, from: repo.fullName, to: change.fullName, leftAccount: true },
      };
    }
    case "deleted":
      if (repo.deletedOnGitHubAt) return null;
      return {
        set: { deletedOnGitHubAt: now, accessible: false },
        action: "repo.deleted",
        details: { ...base, fullName: repo.fullName },
      };
    case "archived":
      if (repo.archived === change.archived) return null;
      return {
        set: { archived: change.archived },
        action: change.archived ? "repo.archived" : "repo.unarchived",
        details: { ...base, fullName: repo.fullName },
      };
  }
}

/**
 * The one writer of what GitHub says became of a stored repository, found by its GitHub id (ids
 * are unique on a GitHub host; every organization storing it follows). A repo the app does not
 * store changes nothing and stores nothing. Each change is one conditional updateOne: an event
 * older than the stored lastEventAt does not match ("stale"); a deletion is final for the id
 * whatever the order, and nothing but Create again (a new id) brings the repo back. The same
 * event twice finds the state already so ("ignored"), with no second activity entry.
 */
export async function applyRepositoryEvent(deps: RepoChangeDeps, event: RepositoryEvent): Promise<DeliveryOutcome> {
  const { models } = deps;
  const { githubRepoId, change } = event;
  const stored = await models.Repo.find({ githubRepoId }).lean<StoredRepo[]>();
  if (stored.length === 0) {
    deps.log.debug({ githubRepoId }, `repository ${change.kind} for a repo the app does not store; ignored`);
    return "ignored";
  }
  const now = deps.now();
  let applied = 0;
  let stale = 0;
  for (const repo of stored) {
    const planned = await plan(models, repo, change, now);
    const deleting = change.kind === "deleted";
    const filter: Record<string, unknown> = { _id: repo._id, githubRepoId };
    // After a deletion only a new id revives the project: no later event of the old id applies.
    if (!deleting) filter.deletedOnGitHubAt = null;
    if (event.eventAt && !deleting) filter.$or = [{ lastEventAt: null }, { lastEventAt: { $lte: event.eventAt } }];
    if (!planned) {
      // Already so, but as of a newer time: an older event arriving next must not undo it.
      if (event.eventAt && !deleting) await models.Repo.updateOne(filter, { $set: { lastEventAt: event.eventAt } });
      continue;
    }
    const lastEventAt = deleting ? latest(event.eventAt, now) : event.eventAt;
    const set = lastEventAt ? { ...planned.set, lastEventAt } : planned.set;
    const result = await models.Repo.updateOne(filter, { $set: set });
    if (result.modifiedCount === 0) {
      stale++;
      continue;
    }
    applied++;
    const { state } = await findGitHubConnection(models, repo.organizationId);
    const moved = planned.action === "repo.renamed" || planned.action === "repo.transferred";
    await recordEvent(models, now, {
      type: planned.action,
      organizationId: repo.organizationId,
      data: {
        ...repoData({ ...repo, ...planned.set } as StoredRepo, state),
        ...(moved ? { previousFullName: repo.fullName ?? null } : {}),
        ...(planned.action === "repo.transferred"
          ? { transferredTo: change.kind === "transferred" ? change.fullName : null }
          : {}),
      },
    });
    await recordAudit(models, now, {
      organizationId: repo.organizationId,
      actor: event.actor,
      action: planned.action,
      details: planned.details,
    });
  }
  if (applied > 0) return "applied";
  if (stale > 0) {
    deps.log.debug({ githubRepoId }, `repository ${change.kind} is older than the stored state; not applied`);
    return "stale";
  }
  return "ignored";
}

/**
 * The organization's account was renamed on GitHub: every stored repo still in the account
 * (not transferred away) takes the new login in its full name. One read and at most one
 * bulkWrite of per-document updates (no update pipelines: FerretDB 1.x has none), bounded by
 * the organization's repos. Returns how many full names changed.
 */
export async function renameAccountRepos(models: Models, organizationId: string, login: string): Promise<number> {
  const repos = await models.Repo.find(
    { organizationId, fullName: { $ne: null }, transferredTo: null },
    { _id: 1, name: 1, fullName: 1 },
  ).lean<Array<Pick<StoredRepo, "_id" | "name" | "fullName">>>();
  const operations = repos
    .filter((repo) => repo.fullName !== `${login}/${repo.name}`)
    .map((repo) => ({
      updateOne: {
        filter: { _id: repo._id, transferredTo: null },
        update: { $set: { fullName: `${login}/${repo.name}` } },
      },
    }));
  if (operations.length === 0) return 0;
  const result = await models.Repo.bulkWrite(operations, { ordered: false });
  return result.modifiedCount;
}
