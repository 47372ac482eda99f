import type { Request, Response } from "express";
import type { InstallationSnapshot } from "../../github/installation-snapshot.js";
import { accountDisplayName } from "../../github/account.js";
import { linkInstallation } from "../../installations/organization-connection.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { addFlash } from "../session/flow.js";
import { reportRepoAccess } from "../settings/repo-access-flash.js";
import { SETTINGS_PATH } from "../settings/settings-routes.js";

/**
 * The last step of a connect, once GitHub's OAuth showed the installation to this admin (rule 1):
 * link it to the organization, say so naming the account, and say what is reachable.
 */
export async function linkVerifiedInstallation(
  req: Request,
  res: Response,
  deps: GitHubConnectDeps,
  snapshot: InstallationSnapshot,
): Promise<void> {
  const auth = req.auth!;
  const organizationId = auth.organizationId!;
  const { installationId } = snapshot;
  const { installation, alreadyLinked } = await linkInstallation(deps, {
    organizationId,
    snapshot,
    actor: `user:${auth.userId}`,
    actorName: auth.email,
    via: "oauth",
    log: req.log,
  });
  req.log.info({ organizationId, installationId, alreadyLinked }, "installation linked after OAuth check");
  addFlash(req, "success", `Connected to ${accountDisplayName(installation)} on GitHub.`);
  await reportRepoAccess(req, deps, organizationId, installationId);
  res.redirect(303, SETTINGS_PATH);
}
