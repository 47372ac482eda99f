import { Router, type RequestHandler } from "express";
import type { WorkOS } from "@workos-inc/node";
import type { AppConfig } from "../../config/env.js";
import type { Models } from "../../models/index.js";
import { csrfProtection } from "../session/csrf.js";
import { sessionMiddleware } from "../session/session-middleware.js";
import { authRoutes } from "./auth.js";
import { homeRoutes } from "./home.js";

export interface WebRouterDeps {
  config: AppConfig;
  models: Models;
  now: () => Date;
  /** Required when AUTH_MODE is workos: createWorkOSClient(config), or a test client pointed at nock. */
  workos?: WorkOS;
}

/** Every state-changing browser request carries a CSRF token; /api/* (service tokens, no cookies) is exempt. */
const csrfForPages: RequestHandler = (req, res, next) => (req.path.startsWith("/api/") ? next() : csrfProtection(req, res, next));

/**
 * The page and flow routers, in order, for createWebApp: the session (req.auth, req.flow, CSRF)
 * first, then sign-in, then the pages that use them.
 */
export function buildWebRouters(deps: WebRouterDeps): Router[] {
  const session = Router();
  session.use(sessionMiddleware(deps));
  session.use(csrfForPages);

  const routers: Router[] = [session, authRoutes(deps), homeRoutes()];

  // ---- GitHub connect flow and settings pages go here (githubRoutes, settingsRoutes) ----
  // e.g. routers.push(githubRoutes({ ...deps }), settingsRoutes({ ...deps }));
  // Guards: requireSignedIn / requireOrganization / requireAdmin(To) from ../session/guards.js;
  // forms: hidden `_csrf` = csrfToken (in res.locals); req.body is parsed for urlencoded posts.
  // ---- end of GitHub connect flow and settings pages ----

  return routers;
}
