import type { Logger } from "pino";
import { latest } from "../github/payload.js";
import { snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "../events/audit-log.js";
import type { DeliveryOutcome } from "../webhooks/delivery-log.js";
import { linkRequestedInstallation } from "./install-requests.js";
import { applyInstallationEvent, setAllRepoAccess, updateRepoAccess } from "./installation-store.js";

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
  /** The repositories the installation was created with; webhooks only. */
  repositoryIds?: number[];
}

export async function applyInstallationCreated(deps: ChangeDeps, snapshot: InstallationSnapshot, options: CreatedOptions): Promise<DeliveryOutcome> {
  const { models } = deps;
  const requesterId = options.requesterId ?? null;
  // created never carries a suspension, so it never clears one a faster `suspend` stored.
  const stored = await applyInstallationEvent(models, snapshot, { eventAt: snapshot.updatedAt, set: { ...snapshotFields(snapshot), requesterId } });
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
  await updateRepoAccess(models, organizationId, { reachable: repos });
  await recordAudit(models, deps.now(), {
    organizationId,
    actor: options.actor,
    action: "installation.created",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin, repositories: repos.length },
  });
  return "applied";
}

export async function applyInstallationDeleted(deps: ChangeDeps, snapshot: InstallationSnapshot, actor: string): Promise<DeliveryOutcome> {
  const { models } = deps;
  const deletedAt = deps.now();
  // Deletion is final for an installation id, whatever order the events came in: no timestamp guard.
  const installation = await applyInstallationEvent(models, snapshot, {
    eventAt: null,
    set: { deletedAt, lastEventAt: latest(snapshot.updatedAt, deletedAt) },
  });
  if (!installation) return "ignored";
  // Repo documents (and their githubRepoId) stay: reconnect pre-selects them.
  await setAllRepoAccess(models, installation.organizationId, false);
  await recordAudit(models, deletedAt, {
    organizationId: installation.organizationId,
    actor,
    action: "installation.deleted",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin },
  });
  return "applied";
}

export async function applySuspension(deps: ChangeDeps, snapshot: InstallationSnapshot, suspend: boolean, actor: string): Promise<DeliveryOutcome> {
  const { models } = deps;
  const eventAt = suspend ? latest(snapshot.updatedAt, snapshot.suspendedAt) : snapshot.updatedAt;
  const suspendedAt = suspend ? (snapshot.suspendedAt ?? deps.now()) : null;
  const installation = await applyInstallationEvent(models, snapshot, { eventAt, set: { suspendedAt } });
  if (!installation) {
    deps.log.debug(`installation.${suspend ? "suspend" : "unsuspend"} is older than the stored state; not applied`);
    return "stale";
  }
  await recordAudit(models, deps.now(), {
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
}

/** An account renamed on GitHub: keep showing the name GitHub now uses. */
export async function applyAccountRenamed(deps: ChangeDeps, rename: Rename, actor: string): Promise<DeliveryOutcome> {
  const { models } = deps;
  const { installationId, accountId, login } = rename;
  const installation = await models.GitHubInstallation.findOneAndUpdate(
    { installationId },
    { $set: { accountLogin: login } },
    { new: true, lean: true },
  );
  // A purchase may exist before (or without) the installation; it names the same account.
  await models.MarketplaceAccount.updateOne({ accountId }, { $set: { accountLogin: login } });
  if (!installation) {
    deps.log.debug({ installationId }, "installation_target.renamed for an unknown installation; the rename waits for its created event");
  }
  await recordAudit(models, deps.now(), {
    organizationId: installation?.organizationId,
    actor,
    action: "installation_target.renamed",
    details: { installationId, accountId, from: rename.from, to: login },
  });
  return "applied";
}
