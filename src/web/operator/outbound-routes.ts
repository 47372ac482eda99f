import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** Outbound events (docs/operator-console.md). */
export function outboundRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.outbound, (_req, res) => {
    renderOperatorPage(res, "outbound", "operator-outbound", { title: "Outbound events" });
  });
  return router;
}
