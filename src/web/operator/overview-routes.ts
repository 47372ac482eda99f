import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** The overview: every count an operator starts from, each linking to its list. */
export function overviewRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.overview, (_req, res) => {
    renderOperatorPage(res, "overview", "operator-overview", { title: "Operator console" });
  });
  return router;
}
