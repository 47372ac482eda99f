import { Router } from "express";
import { findActivityPage } from "../../events/activity.js";
import { findGitHubConnection } from "../../installations/organization-connection.js";
import { findOpenInstallRequest } from "../../installations/install-requests.js";
import { buildReconnectLink, reposToTick } from "../../connect/reconnect-link.js";
import { findRepoPage } from "../../repos/repo-listing.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { issueState } from "../connect/flow-state.js";
import { appNameOf, appPermissionsOf } from "../middleware/page-identity.js";
import { requestedPage } from "../pagination.js";
import { renderPage } from "../render.js";
import { requireOrganization } from "../session/guards.js";
import { buildActivityView } from "../activity/activity-view-model.js";
import { buildPlanView } from "./plan-view-model.js";
import { buildSettingsViewModel } from "./settings-view-model.js";
import { permissionsNotice } from "./permissions-notice.js";

export const SETTINGS_PATH = "/workspace/settings/repos";
const ACTIVITY_PATH = "/workspace/settings/activity";

/** The settings page: the GitHub connection, the plan and one page of the organization's projects (`?page=N`). */
export function settingsRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(SETTINGS_PATH, requireOrganization, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const canManage = req.auth!.role === "admin";
    const [connection, repoPage, pendingRequest] = await Promise.all([
      findGitHubConnection(deps.models, organizationId),
      findRepoPage(deps.models, organizationId, requestedPage(req.query.page)),
      findOpenInstallRequest(deps, organizationId),
    ]);
    // Only admins can reconnect, so only they get a link (and a state issued for it).
    const reconnect =
      connection.state === "deleted" && canManage && connection.installation
        ? await buildReconnectLink(deps, {
            organizationId,
            accountId: connection.installation.accountId,
            state: issueState(req, deps.states, { purpose: "install" }),
          })
        : null;
    const toTick = reconnect?.overflow ? await reposToTick(deps.models, organizationId) : null;
    const model = buildSettingsViewModel({
      canManage,
      connection,
      repoPage,
      pagePath: SETTINGS_PATH,
      pendingRequest,
      urls: deps.urls,
      reconnect,
      toTick,
      defaultRepoNames: deps.config.repos.defaultNames,
      appName: appNameOf(res),
    });
    const plan = buildPlanView(await deps.entitlements.describe(organizationId, deps.now()), {
      canManage: req.auth!.role === "admin",
      listingUrl: deps.config.marketplace.listingUrl,
    });
    res.set("cache-control", "no-store");
    const notice = permissionsNotice({
      canManage,
      connection,
      livePermissions: appPermissionsOf(res),
      urls: deps.urls,
    });
    renderPage(res, "settings-repos", { ...model, plan, activityUrl: ACTIVITY_PATH, permissionsNotice: notice });
  });

  /** The organization's audit log as sentences, newest first, 20 a page (`?page=N`). */
  router.get(ACTIVITY_PATH, requireOrganization, async (req, res) => {
    const activity = await findActivityPage(deps.models, req.auth!.organizationId!, requestedPage(req.query.page));
    res.set("cache-control", "no-store");
    renderPage(
      res,
      "settings-activity",
      buildActivityView(activity, { pagePath: ACTIVITY_PATH, settingsUrl: SETTINGS_PATH, appName: appNameOf(res) }),
    );
  });
  return router;
}
