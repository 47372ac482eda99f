import { Router } from "express";
import { isOperator } from "./operator/operator-access.js";
import { OPERATOR_PATH } from "./operator/operator-paths.js";
import { NoOrganizationError } from "./session/guards.js";

/**
 * Where the start page leads: the workspace for members of an organization, the console for an
 * operator who is in none, sign-in for everyone else.
 */
const WORKSPACE_HOME = "/workspace/settings/repos";

export function homeRoutes(operatorEmails: readonly string[] = []): Router {
  const router = Router();
  router.get("/", (req, res) => {
    if (!req.auth) return res.redirect(303, "/auth/login");
    if (!req.auth.organizationId && isOperator(req.auth, operatorEmails)) return res.redirect(303, OPERATOR_PATH);
    if (!req.auth.organizationId) throw new NoOrganizationError();
    res.redirect(303, WORKSPACE_HOME);
  });
  return router;
}
