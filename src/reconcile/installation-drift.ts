import type { InstallationSnapshot } from "../github/installation-snapshot.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import {
  applyAccountRenamed,
  applyInstallationCreated,
  applyInstallationRemoved,
  applySuspension,
  type ChangeDeps,
} from "../installations/installation-changes.js";

/** Who the audit trail names for a change the reconcile job applied in place of a lost webhook. */
export const RECONCILE_ACTOR = "reconcile";

export const newDriftCounts = () => ({
  created: 0,
  deleted: 0,
  suspended: 0,
  unsuspended: 0,
  renamed: 0,
  unchanged: 0,
  stale: 0,
  unreadable: 0,
});
export type DriftCounts = ReturnType<typeof newDriftCounts>;

/**
 * Brings one stored installation to what GitHub lists, through the functions the webhook
 * handlers use (same guards, same audit entries, actor "reconcile"): the state a lost
 * `installation` or `installation_target` delivery would have left.
 */
export async function repairInstallation(
  deps: ChangeDeps,
  listed: InstallationSnapshot,
  stored: GitHubInstallationDoc | null,
  counts: DriftCounts,
): Promise<void> {
  const log = deps.log.child({ installationId: listed.installationId });
  const changeDeps = { ...deps, log };
  if (!stored) {
    // Installed while its webhook was lost: stored unclaimed, as installation.created stores it.
    if ((await applyInstallationCreated(changeDeps, listed, { actor: RECONCILE_ACTOR })) === "applied")
      counts.created++;
    if (listed.suspendedAt && (await applySuspension(changeDeps, listed, true, RECONCILE_ACTOR)) === "applied")
      counts.suspended++;
    log.info({ account: listed.accountLogin }, "reconcile: installation GitHub lists was unknown here; stored");
    return;
  }
  if (stored.deletedAt) {
    // GitHub never reuses an installation id; a deletion recorded here stays final.
    log.warn("reconcile: GitHub lists an installation stored as deleted; left deleted");
    counts.unchanged++;
    return;
  }
  let result: "unchanged" | "changed" | "stale" = "unchanged";
  if (stored.accountLogin !== listed.accountLogin) {
    const renamed = await applyAccountRenamed(
      changeDeps,
      {
        installationId: listed.installationId,
        accountId: listed.accountId,
        login: listed.accountLogin,
        from: stored.accountLogin,
        // GitHub's listing is its state now: no order guard (a rename whose webhook lost to a newer event is healed here).
        eventAt: null,
      },
      RECONCILE_ACTOR,
    );
    if (renamed === "applied") {
      counts.renamed++;
      result = "changed";
    }
  }
  if (Boolean(stored.suspendedAt) !== Boolean(listed.suspendedAt)) {
    const suspend = listed.suspendedAt !== null;
    if ((await applySuspension(changeDeps, listed, suspend, RECONCILE_ACTOR)) === "applied") {
      counts[suspend ? "suspended" : "unsuspended"]++;
      result = "changed";
    } else if (result === "unchanged") result = "stale";
  }
  if (result === "changed") log.info("reconcile: installation brought up to date with GitHub");
  // The stored state is newer than GitHub's listing (a webhook overtook it): left, counted apart.
  else if (result === "stale") counts.stale++;
  else counts.unchanged++;
}

/** An installation as stored, in the shape the change functions take (for one GitHub no longer lists). */
function storedSnapshot(doc: GitHubInstallationDoc): InstallationSnapshot {
  return {
    installationId: doc.installationId,
    accountId: doc.accountId,
    accountLogin: doc.accountLogin,
    accountName: doc.accountName ?? null,
    accountType: doc.accountType,
    repositorySelection: doc.repositorySelection ?? "selected",
    permissions: (doc.permissions ?? {}) as Record<string, string>,
    events: doc.events ?? [],
    htmlUrl: doc.htmlUrl ?? null,
    installedAt: doc.installedAt ?? null,
    updatedAt: null,
    suspendedAt: doc.suspendedAt ?? null,
  };
}

/** Uninstalled while its webhook was lost, GitHub having confirmed (404): marked deleted as installation.deleted marks it. */
export async function repairDeleted(deps: ChangeDeps, doc: GitHubInstallationDoc, counts: DriftCounts): Promise<void> {
  const removed = await applyInstallationRemoved(
    deps,
    { by: "github", snapshot: storedSnapshot(doc) },
    { actor: RECONCILE_ACTOR },
  );
  if (removed) {
    counts.deleted++;
    deps.log.info(
      { installationId: doc.installationId },
      "reconcile: installation GitHub no longer has marked deleted",
    );
  } else counts.unchanged++;
}
