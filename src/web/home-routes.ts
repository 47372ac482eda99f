import { Router } from "express";
import { NoOrganizationError } from "./session/guards.js";

/** Where the start page leads: the workspace for members of an organization, sign-in for everyone else. */
const WORKSPACE_HOME = "/workspace/settings/repos";

export function homeRoutes(): Router {
  const router = Router();
  router.get("/", (req, res) => {
    if (!req.auth) return res.redirect(303, "/auth/login");
    if (!req.auth.organizationId) throw new NoOrganizationError();
    res.redirect(303, WORKSPACE_HOME);
  });
  return router;
}
