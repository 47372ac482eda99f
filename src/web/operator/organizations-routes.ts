import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** Organizations (docs/operator-console.md). */
export function organizationsRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.organizations, (_req, res) => {
    renderOperatorPage(res, "organizations", "operator-organizations", { title: "Organizations" });
  });
  return router;
}
