import { appNameOf } from "../middleware/page-identity.js";
import { Router, type Request, type Response } from "express";
import {
  GitHubUnavailableError,
  InstallationGoneError,
  OrganizationAlreadyConnectedError,
} from "../../connect/connect-errors.js";
import { StateTokenError, type StateTokens } from "../../connect/state-token.js";
import { readInstallationSnapshot, type InstallationSnapshot } from "../../github/installation-snapshot.js";
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
import { createSetupThrottle } from "./setup-throttle.js";
import { linkVerifiedInstallation } from "./link-step.js";
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

/** The installation as GitHub describes it now (`GET /app/installations/{id}`), for the link the form confirms. */
async function currentInstallation(deps: GitHubConnectDeps, installationId: number): Promise<InstallationSnapshot> {
  let installation: Record<string, unknown> | null;
  try {
    installation = await deps.appClient.getInstallation(installationId);
  } catch (error) {
    throw new GitHubUnavailableError(`GET /app/installations/${installationId} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Uninstalled since OAuth showed it.
  if (!installation) throw new InstallationGoneError(installationId);
  try {
    return readInstallationSnapshot({ installation });
  } catch (error) {
    throw new GitHubUnavailableError(
      `GET /app/installations/${installationId} returned an installation we cannot read: ${(error as Error).message}`,
    );
  }
}

function liveInstallation(connection: GitHubConnection): GitHubInstallationDoc | null {
  return connection.state === "connected" || connection.state === "suspended" ? connection.installation : null;
}

/**
 * The confirmation an install that did not start from our Connect link needs, shown by
 * /github/callback once GitHub's OAuth showed the installation to this admin: only then is its
 * account named. Its form carries a state naming the installation (purpose "confirm") and the
 * CSRF token: GitHub's OAuth approves a returning user without a click, so a link from another
 * site gets this far, and no further.
 */
export function renderVerifiedConfirm(
  req: Request,
  res: Response,
  states: StateTokens,
  snapshot: InstallationSnapshot,
): void {
  const { installationId, accountType } = snapshot;
  const accountName = accountDisplayName(snapshot);
  req.log.info({ organizationId: req.auth!.organizationId, installationId }, "OAuth showed it: asking to confirm");
  res.set("cache-control", "no-store");
  renderPage(res, "github-setup-confirm", {
    title: `Connect ${accountName}?`,
    accountName,
    accountKind: ACCOUNT_KINDS[accountType],
    state: issueState(req, states, { purpose: "confirm", installationId }),
    confirmUrl: SETUP_CONFIRM_PATH,
    cancelUrl: SETTINGS_PATH,
  });
}

/**
 * GitHub's setup URL, and the form that confirms an install that did not start from our Connect
 * link. The installation_id is never trusted, nor looked up: every id that is not the
 * organization's own takes one path, GitHub's OAuth and /github/callback, which checks it with
 * the admin's own GitHub token (rule 1). So an answer (its text, its GitHub calls, its time) says
 * nothing about whether an id exists, was removed or is another organization's.
 */
export function githubSetupRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  const { models, urls, states } = deps;
  const adminToConnect = requireAdminTo("connect GitHub");
  const throttled = createSetupThrottle();

  /** On to GitHub's OAuth step, with a state naming the installation for /github/callback. */
  function continueToOAuth(
    req: Request,
    res: Response,
    organizationId: string,
    installationId: number,
    intent: "link" | "confirm",
  ): void {
    const state = issueState(req, states, { purpose: "oauth", intent, installationId });
    req.log.info(
      { organizationId, installationId, setupAction: req.query.setup_action, intent },
      "setup: verifying the installer with GitHub OAuth",
    );
    res.redirect(303, urls.authorizeUrl(state));
  }

  /**
   * Our `state` comes back when the install started from our Connect link: OAuth, then the link.
   * An install started on GitHub or the Marketplace has none, and neither has a link from any
   * other site: OAuth, then a confirmation naming the account (renderVerifiedConfirm).
   */
  router.get("/github/setup", adminToConnect, throttled, async (req, res) => {
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
    continueToOAuth(req, res, organizationId, installationId, fromOurLink ? "link" : "confirm");
  });

  /** The confirmation's form: its state says which installation OAuth showed this admin. */
  router.post(SETUP_CONFIRM_PATH, adminToConnect, throttled, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const form = req.body as Record<string, unknown> | undefined;
    const { installationId } = await consumeState(req, states, form?.state, "confirm");
    if (installationId === undefined) throw new StateTokenError("forged");
    const live = liveInstallation(await findGitHubConnection(models, organizationId));
    if (live?.installationId === installationId) {
      addFlash(req, "info", `Your organization is already connected to ${accountDisplayName(live)} on GitHub.`);
      return res.redirect(303, SETTINGS_PATH);
    }
    if (live) throw new OrganizationAlreadyConnectedError(organizationId, live.installationId);
    await linkVerifiedInstallation(req, res, deps, await currentInstallation(deps, installationId));
  });

  return router;
}
