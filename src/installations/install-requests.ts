import type { Logger } from "pino";
import type { InstallationSnapshot } from "../github/installation-snapshot.js";
import type { InstallRequestDoc } from "../models/install-request.js";
import { recordAudit } from "../events/audit-log.js";
import {
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  OrganizationAlreadyConnectedError,
} from "../connect/connect-errors.js";
import { linkInstallation, type LinkDeps } from "./organization-connection.js";

/** How long a request to an owner stays claimable: owners can take a while to approve. */
const INSTALL_REQUEST_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Records that an admin, verified on GitHub as `githubUser`, asked an owner to approve the App
 * (setup_action=request). One per organization; asking again replaces it.
 */
export async function recordInstallRequest(
  deps: LinkDeps,
  options: { organizationId: string; userId: string; email?: string; githubUser: { id: number; login: string } },
): Promise<void> {
  const requestedAt = deps.now();
  await deps.models.InstallRequest.updateOne(
    { organizationId: options.organizationId },
    {
      $set: {
        githubUserId: options.githubUser.id,
        githubLogin: options.githubUser.login,
        requestedBy: options.userId,
        requestedAt,
        fulfilledAt: null,
        installationId: null,
      },
    },
    { upsert: true },
  );
  await recordAudit(deps.models, requestedAt, {
    organizationId: options.organizationId,
    actor: `user:${options.userId}`,
    actorName: options.email ?? null,
    action: "github.install_requested",
    details: { githubUserId: options.githubUser.id, githubLogin: options.githubUser.login },
  });
}

/** The organization's open request, if any (for the settings page). */
export async function findOpenInstallRequest(
  deps: LinkDeps,
  organizationId: string,
): Promise<InstallRequestDoc | null> {
  const since = new Date(deps.now().getTime() - INSTALL_REQUEST_TTL_MS);
  return deps.models.InstallRequest.findOne({ organizationId, fulfilledAt: null, requestedAt: { $gte: since } }).lean();
}

/**
 * installation.created names the requester when an owner approved someone's request: if that
 * GitHub user has an open request, link the installation to the organization that made it.
 * GitHub signed the webhook, and the requester's id was verified with OAuth when recorded.
 * Returns the organization linked, or null.
 */
export async function linkRequestedInstallation(
  deps: LinkDeps & { log: Logger },
  snapshot: InstallationSnapshot,
  requesterId: number,
  actor: string,
): Promise<string | null> {
  const since = new Date(deps.now().getTime() - INSTALL_REQUEST_TTL_MS);
  const request = await deps.models.InstallRequest.findOne({
    githubUserId: requesterId,
    fulfilledAt: null,
    requestedAt: { $gte: since },
  })
    .sort({ requestedAt: -1 })
    .lean();
  if (!request) return null;
  try {
    await linkInstallation(deps, {
      organizationId: request.organizationId,
      snapshot,
      actor,
      via: "request",
      log: deps.log,
    });
  } catch (error) {
    if (
      error instanceof InstallationLinkedElsewhereError ||
      error instanceof OrganizationAlreadyConnectedError ||
      error instanceof InstallationGoneError
    ) {
      deps.log.info(
        { organizationId: request.organizationId, reason: error.name },
        "requested installation not linked",
      );
      return null;
    }
    throw error;
  }
  await deps.models.InstallRequest.updateOne(
    { organizationId: request.organizationId, fulfilledAt: null },
    { $set: { fulfilledAt: deps.now(), installationId: snapshot.installationId } },
  );
  return request.organizationId;
}
