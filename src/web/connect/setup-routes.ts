import { appNameOf } from "../middleware/page-identity.js";
import { Router, type Request, type Response } from "express";
import { findClaimableInstallation, type ClaimableInstallation } from "../../connect/claimable-installation.js";
import { OrganizationAlreadyConnectedError } from "../../connect/connect-errors.js";
import { findGitHubConnection, type GitHubConnection } from "../../installations/organization-connection.js";
import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { consumeState, issueState } from "./flow-state.js";
import { HttpError } from "../http-error.js";
import { renderPage } from "../render.js";
import { reportRepoAccess } from "../settings/repo-access-flash.js";
import { addFlash } from "../session/flow.js";
import { requireAdminTo } from "../session/guards.js";
import { SETTINGS_PATH } from "../settings/settings-routes.js";
import { ACCOUNT_KINDS } from "../settings/disconnect-view-model.js";
import { accountDisplayName } from "../../github/account.js";

const SETUP_CONFIRM_PATH = "/github/setup/confirm";

function parseInstallationId(raw: unknown): number {
  const id = typeof raw === "string" && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    const missing = raw === undefined || raw === "";
    throw new HttpError(
      400,
      missing ? "GitHub did not say which installation" : "This installation number is not valid",
      missing
        ? "The address is missing GitHub's installation number. Go back to Settings and press Connect GitHub again."
        : "The installation number in the address is invalid: it must be the number GitHub sends. Go back to Settings and press Connect GitHub again.",
    );
  }
  return id;
}

function liveInstallation(connection: GitHubConnection): GitHubInstallationDoc | null {
  return connection.state === "connected" || connection.state === "suspended" ? connection.installation : null;
}

/** What views/pages/github-setup-confirm.ejs shows. */
function setupConfirmViewModel(installation: ClaimableInstallation) {
  return {
    title: `Connect ${accountDisplayName(installation)}?`,
    accountName: accountDisplayName(installation),
    accountKind: ACCOUNT_KINDS[installation.accountType],
    installationId: String(installation.installationId),
    confirmUrl: SETUP_CONFIRM_PATH,
    cancelUrl: SETTINGS_PATH,
  };
}

/**
 * GitHub's setup URL, and the confirmation an install that did not start from our Connect link
 * needs before OAuth. The installation_id is never trusted: /github/callback checks it with the
 * admin's own GitHub token (rule 1).
 */
export function githubSetupRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  const { models, urls, states } = deps;
  const adminToConnect = requireAdminTo("connect GitHub");

  /** On to GitHub's OAuth step, with a state naming the installation for /github/callback. */
  function continueToOAuth(req: Request, res: Response, organizationId: string, installationId: number): void {
    const state = issueState(req, states, { purpose: "oauth", intent: "link", installationId });
    req.log.info(
      { organizationId, installationId, setupAction: req.query.setup_action },
      "setup: verifying the installer with GitHub OAuth",
    );
    res.redirect(303, urls.authorizeUrl(state));
  }

  /**
   * Our `state` comes back when the install started from our Connect link: straight on to OAuth.
   * An install started on GitHub or the Marketplace has none, and neither has a link from any
   * other site; as GitHub's OAuth approves a returning user without a click, the admin is asked
   * first, on a page naming the account, and goes on with a POST carrying the CSRF token.
   */
  router.get("/github/setup", adminToConnect, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const fromOurLink = req.query.state !== undefined;
    if (fromOurLink) await consumeState(req, states, req.query.state, "install");
    const live = liveInstallation(await findGitHubConnection(models, organizationId));

    if (req.query.setup_action === "request") {
      // A member of the GitHub org asked an owner to approve: learn who they are on GitHub (OAuth)
      // so the installation.created webhook that follows the approval can be linked to this org.
      if (live) throw new OrganizationAlreadyConnectedError(organizationId, live.installationId);
      return res.redirect(303, urls.authorizeUrl(issueState(req, states, { purpose: "oauth", intent: "request" })));
    }

    const installationId = parseInstallationId(req.query.installation_id);
    if (live?.installationId === installationId) {
      // Already ours (setup_action=update after a change of repositories, or a second visit):
      // nothing new is linked, so no OAuth; say what is reachable now.
      addFlash(req, "success", `${appNameOf(res)}'s access on ${accountDisplayName(live)} was updated.`);
      await reportRepoAccess(req, deps, organizationId, installationId);
      return res.redirect(303, SETTINGS_PATH);
    }
    if (live) throw new OrganizationAlreadyConnectedError(organizationId, live.installationId);
    const installation = await findClaimableInstallation(deps, organizationId, installationId);
    if (fromOurLink) return continueToOAuth(req, res, organizationId, installationId);

    req.log.info({ organizationId, installationId }, "setup without our state: asking the admin to confirm");
    res.set("cache-control", "no-store");
    renderPage(res, "github-setup-confirm", setupConfirmViewModel(installation));
  });

  router.post(SETUP_CONFIRM_PATH, adminToConnect, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const installationId = parseInstallationId((req.body as Record<string, unknown> | undefined)?.installation_id);
    const live = liveInstallation(await findGitHubConnection(models, organizationId));
    if (live?.installationId === installationId) {
      addFlash(req, "info", `Your organization is already connected to ${accountDisplayName(live)} on GitHub.`);
      return res.redirect(303, SETTINGS_PATH);
    }
    if (live) throw new OrganizationAlreadyConnectedError(organizationId, live.installationId);
    // Checked again: the form's installation_id is the browser's to change.
    await findClaimableInstallation(deps, organizationId, installationId);
    continueToOAuth(req, res, organizationId, installationId);
  });

  return router;
}
