import { Router } from "express";
import type { RepoDoc } from "../../models/repo.js";
import { findConnection } from "../../services/connection.js";
import { findOpenInstallRequest } from "../../services/install-requests.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { issueState } from "../github-flow-state.js";
import { renderPage } from "../render.js";
import { requireOrganization } from "../session/guards.js";
import { buildPlanView } from "../plan-view-model.js";
import { buildSettingsViewModel } from "../settings-view-model.js";

export const SETTINGS_PATH = "/workspace/settings/repos";

/** The settings page: the GitHub connection, the plan and the organization's projects. */
export function settingsRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(SETTINGS_PATH, requireOrganization, async (req, res) => {
    const organizationId = req.auth!.organizationId!;
    const [connection, repos, pendingRequest] = await Promise.all([
      findConnection(deps.models, organizationId),
      deps.models.Repo.find({ organizationId }).sort({ name: 1 }).lean<RepoDoc[]>(),
      findOpenInstallRequest(deps, organizationId),
    ]);
    const model = buildSettingsViewModel({
      canManage: req.auth!.role === "admin",
      connection,
      repos,
      pendingRequest,
      urls: deps.urls,
      issueInstallState: () => issueState(req, deps.states, { purpose: "install" }),
    });
    const plan = buildPlanView(await deps.entitlements.describe(organizationId, deps.now()), {
      canManage: req.auth!.role === "admin",
      listingUrl: deps.config.marketplace.listingUrl,
    });
    res.set("cache-control", "no-store");
    renderPage(res, "settings-repos", { ...model, plan });
  });
  return router;
}
