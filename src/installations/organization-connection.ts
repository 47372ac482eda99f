import type { Logger } from "pino";
import { conditionalUpsert } from "../db/conditional-upsert.js";
import { isDuplicateKeyError } from "../db/duplicate-key.js";
import { snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "../events/audit-log.js";
import { connectionData } from "../events/event-data.js";
import { recordEvent } from "../events/event-log.js";
import type { MarketplaceRefresh } from "../marketplace/marketplace-sync.js";
import {
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  OrganizationAlreadyConnectedError,
} from "../connect/connect-errors.js";

/**
 * The link between a WorkOS organization and a GitHub installation (rule 1: one org ↔ at most
 * one live installation, one installation ↔ at most one org). Only single-document conditional
 * updates, which MongoDB and FerretDB both serve.
 */
export interface LinkDeps {
  models: Models;
  now: () => Date;
  /** Refreshes the linked account's Marketplace purchase from GitHub after a link (absent: not refreshed). */
  refreshMarketplace?: MarketplaceRefresh;
}

export type GitHubConnectionState = "connected" | "suspended" | "deleted" | "disconnected";

export interface GitHubConnection {
  state: GitHubConnectionState;
  /** The live installation, or for "deleted" the most recently removed one; null when never connected. */
  installation: GitHubInstallationDoc | null;
}

/** How a link was made: the admin's Connect (OAuth), an owner approving a request, or an operator in the console. */
export type LinkVia = "oauth" | "request" | "operator";

export interface LinkOptions {
  organizationId: string;
  /** The installation as GitHub described it (user installations list or webhook). */
  snapshot: InstallationSnapshot;
  /** "user:<id>" of the admin, "github:<login>" when a webhook links a requested install, "operator:<email>" from the console. */
  actor: string;
  /** The email of the person who acted, for the activity page. */
  actorName?: string;
  via: LinkVia;
  /** The request's or delivery's logger, for the Marketplace refresh's one line. */
  log?: Logger;
}

export interface LinkResult {
  installation: GitHubInstallationDoc;
  /** True when it was already linked to this organization (nothing changed). */
  alreadyLinked: boolean;
}

/**
 * Links an installation to an organization, creating its document from GitHub's description if
 * no webhook has stored it yet.
 *
 * Checked first, with reads, so a refusal writes nothing: the installation must not be deleted
 * or linked to another org, and the org must have no other live installation. Then the claim:
 * one insert into installation_claims, whose unique index lets exactly one organization have an
 * installation even when several claim it at once (a conditional findOneAndUpdate is not enough:
 * FerretDB 1.x reads and writes it in two steps, and the test of three racing claims saw all
 * three "win"). A refused claim has written nothing. Only the claim's owner then writes
 * organizationId on the installation document, a single-document upsert.
 *
 * The race accepted: "no other live installation" is a read before the write, so two admins of
 * the same org finishing OAuth for two different installations in the same instant could both
 * succeed, leaving the org with two live installations. It needs two admins racing each other,
 * harms no other org, and the settings page shows the newest; closing it would need a unique
 * index over live documents only (a partial index, which FerretDB lacks) or a per-org lock row
 * that the installation.deleted webhook would also have to release.
 */
export async function linkInstallation(deps: LinkDeps, options: LinkOptions): Promise<LinkResult> {
  const { models } = deps;
  const { organizationId, snapshot } = options;
  const { installationId } = snapshot;

  const existing = await models.GitHubInstallation.findOne({ installationId }).lean();
  if (existing?.deletedAt) throw new InstallationGoneError(installationId);
  if (existing?.organizationId && existing.organizationId !== organizationId)
    throw new InstallationLinkedElsewhereError(installationId);
  const other = await models.GitHubInstallation.findOne({
    organizationId,
    deletedAt: null,
    installationId: { $ne: installationId },
  }).lean();
  if (other) throw new OrganizationAlreadyConnectedError(organizationId, other.installationId);

  try {
    await models.InstallationClaim.create({
      installationId,
      organizationId,
      claimedAt: deps.now(),
      claimedBy: options.actor,
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const claim = await models.InstallationClaim.findOne({ installationId }).lean();
    // Already ours (a second visit, or a retry after a failure below) goes on; anyone else's is refused.
    if (claim?.organizationId !== organizationId) throw new InstallationLinkedElsewhereError(installationId);
  }

  // An installation.created inserting the document in the same instant leaves it there to update.
  const before = await conditionalUpsert(
    models.GitHubInstallation,
    { installationId },
    // lastEventAt stays null on insert: the webhooks, which carry timestamps, remain the judge of order.
    {
      $set: { organizationId },
      $setOnInsert: { ...snapshotFields(snapshot), suspendedAt: snapshot.suspendedAt, lastEventAt: null },
    },
    { returned: "before" },
  );
  const installation = await models.GitHubInstallation.findOne({ installationId }).lean();
  if (!installation) throw new Error(`installation ${installationId} vanished while being linked`);
  const alreadyLinked = before?.organizationId === organizationId;
  if (!alreadyLinked) {
    const at = deps.now();
    await recordEvent(models, at, {
      type: "connection.linked",
      organizationId,
      data: { ...connectionData(installation), via: options.via },
      actor: options.actor,
    });
    await recordAudit(models, at, {
      organizationId,
      actor: options.actor,
      actorName: options.actorName ?? null,
      action: "github.connected",
      details: {
        installationId,
        account: installation.accountLogin,
        accountType: installation.accountType,
        via: options.via,
      },
    });
  }
  // A purchase made before the installation is joined by account id at read time; GitHub's answer
  // now makes sure it is current. Never fails the link (the refresh logs its own failure).
  await deps.refreshMarketplace?.(installation.accountId, options.log);
  return { installation, alreadyLinked };
}

/** The snapshot a stored installation makes: what linkInstallation writes on insert (here never: the document exists). */
function storedSnapshot(installation: GitHubInstallationDoc): InstallationSnapshot {
  return {
    installationId: installation.installationId,
    accountId: installation.accountId,
    accountLogin: installation.accountLogin,
    accountName: installation.accountName ?? null,
    accountType: installation.accountType,
    repositorySelection: installation.repositorySelection ?? "selected",
    permissions: (installation.permissions ?? {}) as Record<string, string>,
    events: installation.events ?? [],
    htmlUrl: installation.htmlUrl ?? null,
    installedAt: installation.installedAt ?? null,
    updatedAt: null,
    suspendedAt: installation.suspendedAt ?? null,
  };
}

/**
 * An operator links an installation we have stored (the console's unclaimed list) to an
 * organization they name: the same linkInstallation as Connect, so the same one-to-one rule and
 * refusals, with the operator as actor. Null when no installation has that id.
 */
export async function linkStoredInstallation(
  deps: LinkDeps,
  options: Omit<LinkOptions, "snapshot" | "via"> & { installationId: number },
): Promise<LinkResult | null> {
  const { installationId, ...link } = options;
  const installation = await deps.models.GitHubInstallation.findOne({ installationId }).lean();
  if (!installation) return null;
  return linkInstallation(deps, { ...link, snapshot: storedSnapshot(installation), via: "operator" });
}

/** What the organization is connected to now. */
export async function findGitHubConnection(models: Models, organizationId: string): Promise<GitHubConnection> {
  const live = await models.GitHubInstallation.findOne({ organizationId, deletedAt: null })
    .sort({ updatedAt: -1 })
    .lean();
  if (live) return { state: live.suspendedAt ? "suspended" : "connected", installation: live };
  const gone = await models.GitHubInstallation.findOne({ organizationId, deletedAt: { $ne: null } })
    .sort({ deletedAt: -1 })
    .lean();
  if (gone) return { state: "deleted", installation: gone };
  return { state: "disconnected", installation: null };
}
