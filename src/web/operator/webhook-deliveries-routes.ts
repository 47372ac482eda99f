import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** Webhook deliveries (docs/operator-console.md). */
export function webhookDeliveriesRoutes(_deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.webhookDeliveries, (_req, res) => {
    renderOperatorPage(res, "webhookDeliveries", "operator-webhook-deliveries", { title: "Webhook deliveries" });
  });
  return router;
}
