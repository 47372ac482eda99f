import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { issueState } from "../connect/flow-state.js";
import { requestedPage } from "../pagination.js";
import { renderPage } from "../render.js";
import { requireOrganization } from "../session/guards.js";
import { buildActivityPage, buildSettingsPage } from "./settings-page.js";

export const SETTINGS_PATH = "/workspace/settings/repos";
export const ACTIVITY_PATH = "/workspace/settings/activity";

/** The settings page: the GitHub connection, the plan and one page of the organization's projects (`?page=N`). */
export function settingsRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(SETTINGS_PATH, requireOrganization, async (req, res) => {
    const model = await buildSettingsPage(deps, res, {
      organizationId: req.auth!.organizationId!,
      canManage: req.auth!.role === "admin",
      page: requestedPage(req.query.page),
      pagePath: SETTINGS_PATH,
      activityUrl: ACTIVITY_PATH,
      issueInstallState: () => issueState(req, deps.states, { purpose: "install" }),
    });
    res.set("cache-control", "no-store");
    renderPage(res, "settings-repos", model);
  });

  /** The organization's audit log as sentences, newest first, 20 a page (`?page=N`). */
  router.get(ACTIVITY_PATH, requireOrganization, async (req, res) => {
    const model = await buildActivityPage(deps, res, {
      organizationId: req.auth!.organizationId!,
      page: requestedPage(req.query.page),
      pagePath: ACTIVITY_PATH,
      settingsUrl: SETTINGS_PATH,
    });
    res.set("cache-control", "no-store");
    renderPage(res, "settings-activity", model);
  });
  return router;
}
