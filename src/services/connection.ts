import mongoose from "mongoose";
import { snapshotFields, type InstallationSnapshot } from "../handlers/installation-snapshot.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "./audit.js";
import { setAllRepoAccess } from "./installation-store.js";
import {
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  OrganizationAlreadyConnectedError,
} from "./connect-errors.js";

/**
 * The link between a WorkOS organization and a GitHub installation (rule 1: one org ↔ at most
 * one live installation, one installation ↔ at most one org). Only single-document conditional
 * updates, which MongoDB and FerretDB both serve.
 */
export interface ConnectionDeps {
  models: Models;
  now: () => Date;
}

export type ConnectionState = "connected" | "suspended" | "deleted" | "disconnected";

export interface Connection {
  state: ConnectionState;
  /** The live installation, or for "deleted" the most recently removed one; null when never connected. */
  installation: GitHubInstallationDoc | null;
}

export interface LinkOptions {
  organizationId: string;
  /** The installation as GitHub described it (user installations list or webhook). */
  snapshot: InstallationSnapshot;
  /** "user:<id>" of the admin, or "github:<login>" when a webhook links a requested install. */
  actor: string;
  via: "oauth" | "request";
}

export interface LinkResult {
  installation: GitHubInstallationDoc;
  /** True when it was already linked to this organization (nothing changed). */
  alreadyLinked: boolean;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === 11000;
}

/** Why a conditional link did not match, read after the fact, as the error to show. */
async function explainRefusal(models: Models, organizationId: string, installationId: number): Promise<Error> {
  const current = await models.GitHubInstallation.findOne({ installationId }).lean();
  if (current?.deletedAt) return new InstallationGoneError(installationId);
  if (current?.organizationId && current.organizationId !== organizationId) return new InstallationLinkedElsewhereError(installationId);
  return new InstallationLinkedElsewhereError(installationId);
}

/**
 * Links an installation to an organization, creating its document from GitHub's description if
 * no webhook has stored it yet.
 *
 * Checked first, with reads, so a refusal writes nothing: the installation must not be deleted
 * or linked to another org, and the org must have no other live installation. Then one
 * conditional upsert claims it only if it is still unclaimed (or already ours) and live; a
 * concurrent claim by another org makes it match nothing, and the insert it falls back to hits
 * the unique installationId index (11000): refused, nothing written.
 *
 * The race accepted: the "no other live installation" check is a read before the write, so two
 * admins of the same org finishing OAuth for two different installations in the same instant
 * could both succeed, leaving the org with two live installations. It needs two admins racing
 * each other, harms no other org, and the settings page shows the newest; the alternative (a
 * unique index on organizationId over live documents) needs a partial index FerretDB lacks.
 */
export async function linkInstallation(deps: ConnectionDeps, options: LinkOptions): Promise<LinkResult> {
  const { models } = deps;
  const { organizationId, snapshot } = options;
  const { installationId } = snapshot;

  const existing = await models.GitHubInstallation.findOne({ installationId }).lean();
  if (existing?.deletedAt) throw new InstallationGoneError(installationId);
  if (existing?.organizationId && existing.organizationId !== organizationId) throw new InstallationLinkedElsewhereError(installationId);
  const other = await models.GitHubInstallation.findOne({ organizationId, deletedAt: null, installationId: { $ne: installationId } }).lean();
  if (other) throw new OrganizationAlreadyConnectedError(organizationId, other.installationId);

  let before: GitHubInstallationDoc | null;
  try {
    before = await models.GitHubInstallation.findOneAndUpdate(
      { installationId, deletedAt: null, organizationId: { $in: [null, organizationId] } },
      {
        $set: { organizationId },
        // lastEventAt stays null: the webhooks, which carry timestamps, remain the judge of order.
        $setOnInsert: { installationId, ...snapshotFields(snapshot), suspendedAt: snapshot.suspendedAt, lastEventAt: null },
      },
      { upsert: true, new: false, lean: true },
    );
  } catch (error) {
    if (isDuplicateKey(error)) throw await explainRefusal(models, organizationId, installationId);
    throw error;
  }
  const installation = await models.GitHubInstallation.findOne({ installationId }).lean();
  if (!installation) throw new Error(`installation ${installationId} vanished while being linked`);
  const alreadyLinked = before?.organizationId === organizationId;
  if (!alreadyLinked) {
    await recordAudit(models, deps.now(), {
      organizationId,
      actor: options.actor,
      action: "github.connected",
      details: { installationId, account: installation.accountLogin, accountType: installation.accountType, via: options.via },
    });
  }
  return { installation, alreadyLinked };
}

/**
 * Marks the organization's installation gone after GitHub uninstalled it (rule 6). The document
 * keeps its organizationId, account and the repos keep their githubRepoId, so reconnect can
 * pre-select them; every repo is unreachable until then. Returns null if it was not live.
 */
export async function unlinkInstallation(
  deps: ConnectionDeps,
  options: { organizationId: string; installationId: number; actor: string; uninstalled: "uninstalled" | "already-gone" },
): Promise<GitHubInstallationDoc | null> {
  const { models } = deps;
  const at = deps.now();
  const installation = await models.GitHubInstallation.findOneAndUpdate(
    { installationId: options.installationId, organizationId: options.organizationId, deletedAt: null },
    { $set: { deletedAt: at } },
    { new: true, lean: true },
  );
  if (!installation) return null;
  await setAllRepoAccess(models, options.organizationId, false);
  await recordAudit(models, at, {
    organizationId: options.organizationId,
    actor: options.actor,
    action: "github.disconnected",
    details: { installationId: options.installationId, account: installation.accountLogin, github: options.uninstalled },
  });
  return installation;
}

/** What the organization is connected to now. */
export async function findConnection(models: Models, organizationId: string): Promise<Connection> {
  const live = await models.GitHubInstallation.findOne({ organizationId, deletedAt: null }).sort({ updatedAt: -1 }).lean();
  if (live) return { state: live.suspendedAt ? "suspended" : "connected", installation: live };
  const gone = await models.GitHubInstallation.findOne({ organizationId, deletedAt: { $ne: null } }).sort({ deletedAt: -1 }).lean();
  if (gone) return { state: "deleted", installation: gone };
  return { state: "disconnected", installation: null };
}
