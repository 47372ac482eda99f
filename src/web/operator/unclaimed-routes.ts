import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** Unclaimed installations (docs/operator-console.md). */
export function unclaimedRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.unclaimed, (_req, res) => {
    renderOperatorPage(res, "unclaimed", "operator-unclaimed", { title: "Unclaimed installations" });
  });
  return router;
}
