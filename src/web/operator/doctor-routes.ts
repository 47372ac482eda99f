import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** Doctor (docs/operator-console.md). */
export function doctorRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.doctor, (_req, res) => {
    renderOperatorPage(res, "doctor", "operator-doctor", { title: "Doctor" });
  });
  return router;
}
