import { readInstallationSnapshot } from "../github/installation-snapshot.js";
import type { Models } from "../models/index.js";
import { GitHubUnavailableError, InstallationUnavailableError } from "./connect-errors.js";
import type { GitHubAppClient } from "../github/app-client.js";

/** What the admin is shown before linking: whose installation it is. */
export interface ClaimableInstallation {
  installationId: number;
  /** The login, or an enterprise's slug. */
  accountLogin: string;
  /** An enterprise's name; null for users and organizations. */
  accountName: string | null;
  accountType: "Organization" | "User" | "Enterprise";
}

export interface ClaimableInstallationDeps {
  models: Models;
  appClient: Pick<GitHubAppClient, "getInstallation">;
}

/**
 * The installation if `organizationId` may claim it: stored and neither deleted nor another
 * organization's, or not stored yet (its webhook is late) but known to GitHub
 * (`GET /app/installations/{id}`). Otherwise InstallationUnavailableError, the same for every
 * reason. Claiming still needs the OAuth check (rule 1): this only decides whether to ask.
 */
export async function findClaimableInstallation(
  deps: ClaimableInstallationDeps,
  organizationId: string,
  installationId: number,
): Promise<ClaimableInstallation> {
  const stored = await deps.models.GitHubInstallation.findOne({ installationId }).lean();
  if (stored) {
    if (stored.deletedAt) throw new InstallationUnavailableError(installationId, "deleted");
    if (stored.organizationId && stored.organizationId !== organizationId)
      throw new InstallationUnavailableError(installationId, "linked-elsewhere");
    return {
      installationId,
      accountLogin: stored.accountLogin,
      accountName: stored.accountName ?? null,
      accountType: stored.accountType,
    };
  }
  let installation: Record<string, unknown> | null;
  try {
    installation = await deps.appClient.getInstallation(installationId);
  } catch (error) {
    throw new GitHubUnavailableError(`GET /app/installations/${installationId} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!installation) throw new InstallationUnavailableError(installationId, "unknown");
  try {
    const snapshot = readInstallationSnapshot({ installation });
    const { accountLogin, accountName, accountType } = snapshot;
    return { installationId, accountLogin, accountName, accountType };
  } catch (error) {
    throw new GitHubUnavailableError(
      `GET /app/installations/${installationId} returned an installation we cannot read: ${(error as Error).message}`,
    );
  }
}
