import { appNameOf } from "../middleware/page-identity.js";
import { Router } from "express";
import {
  AuthorizationDeniedError,
  BadVerificationCodeError,
  GitHubUnavailableError,
  InstallationNotVisibleError,
} from "../../connect/connect-errors.js";
import { applyInstallationRemoved } from "../../installations/installation-changes.js";
import { findGitHubConnection } from "../../installations/organization-connection.js";
import { findOpenInstallRequest, recordInstallRequest } from "../../installations/install-requests.js";
import { buildReconnectLink } from "../../connect/reconnect-link.js";
import { StateTokenError } from "../../connect/state-token.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { consumeState, issueState } from "./flow-state.js";
import { renderPage } from "../render.js";
import { requireAdminTo } from "../session/guards.js";
import { addFlash } from "../session/flow.js";
import { dateView } from "../settings/settings-view-model.js";
import { GitHubTimeoutError } from "../../github/app-client.js";
import { disconnectConfirmView, disconnectTimeoutPage } from "../settings/disconnect-view-model.js";
import { githubSetupRoutes, renderVerifiedConfirm } from "./setup-routes.js";
import { linkVerifiedInstallation } from "./link-step.js";
import { SETTINGS_PATH } from "../settings/settings-routes.js";
import { accountDisplayName } from "../../github/account.js";

const REQUESTED_PATH = "/github/requested";

/** The connect flow: /github/connect → GitHub → /github/setup → GitHub OAuth → /github/callback; and disconnect. */
export function githubRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  const { models, urls, states } = deps;
  const adminToConnect = requireAdminTo("connect GitHub");
  router.use(githubSetupRoutes(deps));

  router.get("/github/connect", adminToConnect, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const connection = await findGitHubConnection(models, organizationId);
    if (connection.state === "connected" || connection.state === "suspended") {
      addFlash(
        req,
        "info",
        `Your organization is already connected to ${accountDisplayName(connection.installation!)} on GitHub.`,
      );
      return res.redirect(303, SETTINGS_PATH);
    }
    const state = issueState(req, states, { purpose: "install" });
    let target = urls.installUrl(state);
    if (connection.state === "deleted") {
      // Connecting again after a removal: offer the same account and every repo the app made (as many as a link holds).
      target = (
        await buildReconnectLink(deps, { organizationId, accountId: connection.installation!.accountId, state })
      ).url;
    }
    req.log.info(
      { organizationId, reconnect: connection.state === "deleted" },
      "connect started: sending the admin to GitHub",
    );
    res.redirect(303, target);
  });

  /**
   * GitHub's OAuth callback: only a user whose token lists the installation can link it (rule 1),
   * and only to such a user is the account named. After our Connect link it links at once; an
   * install that started elsewhere is confirmed first, on a page naming the account.
   */
  router.get("/github/callback", adminToConnect, async (req, res) => {
    const auth = req.auth!;
    const organizationId = auth.organizationId!;
    if (typeof req.query.error === "string") throw new AuthorizationDeniedError(req.query.error);
    const claims = await consumeState(req, states, req.query.state, "oauth");
    const code = req.query.code;
    if (typeof code !== "string" || code === "") throw new BadVerificationCodeError();

    if (claims.intent === "request") {
      const githubUser = await deps.userAuth.identifyUser(code);
      await recordInstallRequest(deps, { organizationId, userId: auth.userId, email: auth.email, githubUser });
      return res.redirect(303, REQUESTED_PATH);
    }

    const installationId = claims.installationId;
    if (installationId === undefined) throw new StateTokenError("forged");
    const access = await deps.userAuth.checkInstallationAccess(code, installationId);
    if (!access.visible || !access.installation) throw new InstallationNotVisibleError(installationId);
    const snapshot = access.installation;
    if (claims.intent === "confirm") return renderVerifiedConfirm(req, res, states, snapshot);
    await linkVerifiedInstallation(req, res, deps, snapshot);
  });

  router.get(REQUESTED_PATH, adminToConnect, async (req, res) => {
    const request = await findOpenInstallRequest(deps, req.auth!.organizationId!);
    if (!request) return res.redirect(303, SETTINGS_PATH);
    renderPage(res, "github-request-pending", {
      title: "Waiting for approval on GitHub",
      githubLogin: request.githubLogin,
      requestedOn: dateView(request.requestedAt),
      settingsUrl: SETTINGS_PATH,
    });
  });

  const adminToDisconnect = requireAdminTo("disconnect GitHub");

  /** The confirmation Disconnect leads to: names the account, posts the form, or goes back. */
  router.get("/github/disconnect", adminToDisconnect, async (req, res) => {
    const connection = await findGitHubConnection(models, req.auth!.organizationId!);
    const live = connection.state === "connected" || connection.state === "suspended" ? connection.installation : null;
    if (!live) {
      addFlash(req, "info", "GitHub is not connected, so there is nothing to disconnect.");
      return res.redirect(303, SETTINGS_PATH);
    }
    res.set("cache-control", "no-store");
    renderPage(res, "github-disconnect-confirm", disconnectConfirmView(live, urls));
  });

  /** Uninstalls through the App API, then marks the link gone; repos and their ids stay (rule 6). */
  router.post("/github/disconnect", adminToDisconnect, async (req, res) => {
    const auth = req.auth!;
    const organizationId = auth.organizationId!;
    const connection = await findGitHubConnection(models, organizationId);
    const live = connection.state === "connected" || connection.state === "suspended" ? connection.installation : null;
    if (!live) {
      addFlash(req, "info", "GitHub is not connected, so there was nothing to disconnect.");
      return res.redirect(303, SETTINGS_PATH);
    }
    let uninstalled: "uninstalled" | "already-gone";
    try {
      uninstalled = await deps.appClient.uninstall(live.installationId);
    } catch (error) {
      if (error instanceof GitHubTimeoutError) {
        req.log.warn(
          { organizationId, installationId: live.installationId, timeoutMs: error.timeoutMs },
          `${error.message}; nothing changed`,
        );
        return renderPage(
          res,
          "error",
          disconnectTimeoutPage(accountDisplayName(live), error.timeoutMs, appNameOf(res)),
          504,
        );
      }
      // The error handler logs it, in one line, from the cause.
      throw new GitHubUnavailableError(`DELETE /app/installations/${live.installationId} failed`, { cause: error });
    }
    await applyInstallationRemoved(
      deps,
      { by: "admin", organizationId, installationId: live.installationId, github: uninstalled },
      { actor: `user:${auth.userId}`, actorName: auth.email },
    );
    req.log.info({ organizationId, installationId: live.installationId, uninstalled }, "disconnected from GitHub");
    addFlash(
      req,
      "success",
      `Disconnected from ${accountDisplayName(live)}: ${appNameOf(res)} was uninstalled there. Your projects are kept; Reconnect GitHub offers them again.`,
    );
    res.redirect(303, SETTINGS_PATH);
  });

  return router;
}
