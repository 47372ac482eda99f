import { Router } from "express";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { requireOperator } from "./operator-access.js";
import { OPERATOR_PATH } from "./operator-paths.js";
import { overviewRoutes } from "./overview-routes.js";
import { organizationsRoutes } from "./organizations-routes.js";
import { unclaimedRoutes } from "./unclaimed-routes.js";
import { webhookDeliveriesRoutes } from "./webhook-deliveries-routes.js";
import { outboundRoutes } from "./outbound-routes.js";
import { doctorRoutes } from "./doctor-routes.js";

/** The console: the guard first (on every method and every address under /operator), then each page's router. */
export function operatorRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.use(OPERATOR_PATH, requireOperator(deps.config.operatorEmails));
  for (const pageRoutes of [
    overviewRoutes,
    organizationsRoutes,
    unclaimedRoutes,
    webhookDeliveriesRoutes,
    outboundRoutes,
    doctorRoutes,
  ]) {
    router.use(pageRoutes(deps));
  }
  return router;
}
