import type { Logger } from "pino";
import { latest } from "../github/payload.js";
import { snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "../events/audit-log.js";
import { connectionData, repoData } from "../events/event-data.js";
import { recordEvent } from "../events/event-log.js";
import type { RepoDoc } from "../models/repo.js";
import type { DeliveryOutcome } from "../webhooks/delivery-log.js";
import { renameMarketplaceAccount } from "../marketplace/purchases.js";
import { linkRequestedInstallation } from "./install-requests.js";
import { applyAccountRename, applyInstallationEvent } from "./installation-store.js";
import { setAllRepoAccess, updateRepoAccess } from "../repos/repo-access.js";
import { renameAccountRepos } from "../repos/repo-github-changes.js";

/**
 * The installation changes GitHub tells us about, applied the one way whoever noticed them: a
 * webhook handler (actor "github:<sender>") or the reconcile job (actor "reconcile") when the
 * webhook was lost. Same store functions, same stale-event guards, same audit entries.
 */
export interface ChangeDeps {
  models: Models;
  now: () => Date;
  log: Logger;
}

export interface CreatedOptions {
  actor: string;
  /** The GitHub user an owner approved the App for (setup_action=request); webhooks only. */
  requesterId?: number | null;
  /** That requester's login, shown to operators while the installation is unclaimed; webhooks only. */
  requesterLogin?: string | null;
  /** The repositories the installation was created with; webhooks only. */
  repositoryIds?: number[];
}

/** repo.reachable / repo.unreachable for each known repo whose reachability changed. */
async function recordRepoAccessEvents(
  models: Models,
  at: Date,
  organizationId: string | null,
  repos: RepoDoc[],
  connection: "connected" | "suspended",
): Promise<void> {
  if (!organizationId) return;
  for (const repo of repos) {
    await recordEvent(models, at, {
      type: repo.accessible ? "repo.reachable" : "repo.unreachable",
      organizationId,
      data: repoData(repo, connection),
    });
  }
}

export async function applyInstallationCreated(
  deps: ChangeDeps,
  snapshot: InstallationSnapshot,
  options: CreatedOptions,
): Promise<DeliveryOutcome> {
  const { models } = deps;
  const requesterId = options.requesterId ?? null;
  // created never carries a suspension, so it never clears one a faster `suspend` stored.
  const stored = await applyInstallationEvent(models, snapshot, {
    eventAt: snapshot.updatedAt,
    set: { ...snapshotFields(snapshot), requesterId, requesterLogin: options.requesterLogin ?? null },
  });
  if (!stored) {
    deps.log.debug("installation.created is older than the stored state; not applied");
    return "stale";
  }
  let organizationId = stored.organizationId ?? null;
  // An owner approved what an admin of ours requested (setup_action=request): link it to that org.
  if (!organizationId && requesterId !== null) {
    organizationId = await linkRequestedInstallation(deps, snapshot, requesterId, options.actor);
  }
  const repos = options.repositoryIds ?? [];
  const changed = await updateRepoAccess(models, organizationId, { reachable: repos });
  const at = deps.now();
  // The link itself is connection.linked (linkInstallation); an unclaimed installation has no organization to tell.
  await recordRepoAccessEvents(models, at, organizationId, changed, stored.suspendedAt ? "suspended" : "connected");
  await recordAudit(models, at, {
    organizationId,
    actor: options.actor,
    action: "installation.created",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin, repositories: repos.length },
  });
  return "applied";
}

/**
 * How an installation ends: GitHub uninstalled it (an installation.deleted webhook, or the reconcile
 * job finding it gone), or an admin disconnected it here after uninstalling it through the App API.
 */
export type InstallationRemoval =
  | { by: "github"; snapshot: InstallationSnapshot }
  | { by: "admin"; organizationId: string; installationId: number; github: "uninstalled" | "already-gone" };

export interface Remover {
  actor: string;
  /** The email of the person who acted, for the activity page. */
  actorName?: string;
}

/**
 * The one writer of an installation's removal (rule 6). The document keeps its organizationId and
 * account, and the repos their githubRepoId, so reconnect can pre-select them; every repo is
 * unreachable until then. Returns the removed installation, or null when it was not live (GitHub's
 * removal of an id never seen is stored, so a late created event cannot revive it).
 */
export async function applyInstallationRemoved(
  deps: Pick<ChangeDeps, "models" | "now">,
  removal: InstallationRemoval,
  who: Remover,
): Promise<GitHubInstallationDoc | null> {
  const { models } = deps;
  const deletedAt = deps.now();
  const installation =
    removal.by === "github"
      ? // Deletion is final for an installation id, whatever order the events came in: no timestamp guard.
        await applyInstallationEvent(models, removal.snapshot, {
          eventAt: null,
          set: { deletedAt, lastEventAt: latest(removal.snapshot.updatedAt, deletedAt) },
        })
      : await models.GitHubInstallation.findOneAndUpdate(
          { installationId: removal.installationId, organizationId: removal.organizationId, deletedAt: null },
          { $set: { deletedAt } },
          { new: true, lean: true },
        );
  if (!installation) return null;
  await setAllRepoAccess(models, installation.organizationId, false);
  // Every repo is paused with the connection: connection.removed says so, with no event per repo.
  await recordEvent(models, deletedAt, {
    type: "connection.removed",
    organizationId: installation.organizationId,
    data: {
      ...connectionData(installation),
      reason: removal.by === "github" ? "uninstalled_on_github" : "disconnected",
    },
  });
  await recordAudit(models, deletedAt, {
    organizationId: installation.organizationId,
    actor: who.actor,
    actorName: who.actorName ?? null,
    ...(removal.by === "github"
      ? {
          action: "installation.deleted",
          details: { installationId: installation.installationId, account: removal.snapshot.accountLogin },
        }
      : {
          action: "github.disconnected",
          details: {
            installationId: installation.installationId,
            account: installation.accountLogin,
            github: removal.github,
          },
        }),
  });
  return installation;
}

export interface RepositorySelectionChange {
  action: "added" | "removed";
  selection: "all" | "selected";
  added: number[];
  removed: number[];
}

/** Repositories added to or removed from an installation on GitHub: which of the org's repos it now reaches. */
export async function applyRepositorySelection(
  deps: ChangeDeps,
  snapshot: InstallationSnapshot,
  change: RepositorySelectionChange,
  actor: string,
): Promise<DeliveryOutcome> {
  const { models } = deps;
  const { action, selection, added, removed } = change;
  const installation = await applyInstallationEvent(models, snapshot, {
    eventAt: snapshot.updatedAt,
    set: { repositorySelection: selection },
  });
  if (!installation) {
    // Older than the stored state, or the installation was deleted: its repos are unreachable now.
    deps.log.debug(`installation_repositories.${action} is stale or for a deleted installation; not applied`);
    return "stale";
  }
  const organizationId = installation.organizationId ?? null;
  const changed = await updateRepoAccess(models, organizationId, { reachable: added, unreachable: removed });
  const knownReposChanged = changed.length;
  const at = deps.now();
  // The selection itself has no event: what a service needs is which of the org's repos changed.
  await recordRepoAccessEvents(
    models,
    at,
    organizationId,
    changed,
    installation.suspendedAt ? "suspended" : "connected",
  );
  await recordAudit(models, at, {
    organizationId,
    actor,
    action: `installation_repositories.${action}`,
    // Counts, not the ids: one event can name a million repositories.
    details: {
      installationId: snapshot.installationId,
      repositorySelection: selection,
      added: added.length,
      removed: removed.length,
      knownReposChanged,
    },
  });
  return "applied";
}

export async function applySuspension(
  deps: ChangeDeps,
  snapshot: InstallationSnapshot,
  suspend: boolean,
  actor: string,
): Promise<DeliveryOutcome> {
  const { models } = deps;
  const eventAt = suspend ? latest(snapshot.updatedAt, snapshot.suspendedAt) : snapshot.updatedAt;
  const suspendedAt = suspend ? (snapshot.suspendedAt ?? deps.now()) : null;
  const installation = await applyInstallationEvent(models, snapshot, { eventAt, set: { suspendedAt } });
  if (!installation) {
    deps.log.debug(`installation.${suspend ? "suspend" : "unsuspend"} is older than the stored state; not applied`);
    return "stale";
  }
  const at = deps.now();
  await recordEvent(models, at, {
    type: suspend ? "connection.suspended" : "connection.unsuspended",
    organizationId: installation.organizationId,
    data: connectionData(installation),
  });
  await recordAudit(models, at, {
    organizationId: installation.organizationId,
    actor,
    action: suspend ? "installation.suspended" : "installation.unsuspended",
    details: { installationId: snapshot.installationId },
  });
  return "applied";
}

export interface Rename {
  installationId: number;
  accountId: number;
  login: string;
  /** The login before, when known. */
  from: string | null;
  /** When GitHub renamed it (the payload's account.updated_at); null: no order guard (the reconcile job's listing is now). */
  eventAt: Date | null;
}

/**
 * An account renamed on GitHub: keep showing the name GitHub now uses, on the installation and
 * every repo's full name. Applied only to the installation of that account (a payload naming
 * another is logged and not applied) and only if no newer event was applied (payload time
 * against lastEventAt, as every change).
 */
export async function applyAccountRenamed(deps: ChangeDeps, rename: Rename, actor: string): Promise<DeliveryOutcome> {
  const { models } = deps;
  const { installationId, accountId, login } = rename;
  const result = await applyAccountRename(models, rename);
  if (result.outcome === "other-account") {
    deps.log.warn(
      { installationId, accountId, storedAccountId: result.storedAccountId },
      "installation_target.renamed names another account than the installation's; not applied",
    );
    return "ignored";
  }
  if (result.outcome === "stale") {
    deps.log.debug({ installationId }, "installation_target.renamed is older than the stored state; not applied");
    return "stale";
  }
  // A purchase may exist before (or without) the installation; it names the same account.
  await renameMarketplaceAccount(models, accountId, login);
  const installation = result.outcome === "applied" ? result.installation : null;
  const reposRenamed = installation?.organizationId
    ? await renameAccountRepos(models, installation.organizationId, login)
    : 0;
  if (reposRenamed > 0)
    deps.log.info({ installationId, reposRenamed }, "repositories' full names follow the account's rename");
  if (!installation) {
    deps.log.debug(
      { installationId },
      "installation_target.renamed for an unknown installation; the rename waits for its created event",
    );
  }
  const at = deps.now();
  // Repos' full names follow the rename with no event each: this event names the new login.
  await recordEvent(models, at, {
    type: "connection.account_renamed",
    organizationId: installation?.organizationId,
    data: {
      ...connectionData({ installationId, accountLogin: login, accountType: installation?.accountType }),
      previousAccountLogin: rename.from,
    },
  });
  await recordAudit(models, at, {
    organizationId: installation?.organizationId,
    actor,
    action: "installation_target.renamed",
    details: { installationId, accountId, from: rename.from, to: login },
  });
  return "applied";
}
