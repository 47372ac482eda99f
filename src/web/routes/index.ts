import { Router, type RequestHandler } from "express";
import type { WorkOS } from "@workos-inc/node";
import type { Probot } from "probot";
import type { AppConfig } from "../../config/env.js";
import { createLogger } from "../../logger.js";
import type { Models } from "../../models/index.js";
import { createProbotInstance } from "../../services/probot-factory.js";
import { createGitHubConnectDeps } from "../github-connect-deps.js";
import { csrfProtection } from "../session/csrf.js";
import { sessionMiddleware } from "../session/session-middleware.js";
import { authRoutes } from "./auth.js";
import { homeRoutes } from "./home.js";
import { githubRoutes } from "./github.js";
import { settingsRoutes } from "./settings.js";

export interface WebRouterDeps {
  config: AppConfig;
  models: Models;
  now: () => Date;
  /** Required when AUTH_MODE is workos: createWorkOSClient(config), or a test client pointed at nock. */
  workos?: WorkOS;
  /** The App's Probot instance for GitHub calls (App JWT, installation tokens); built from config when omitted. */
  probot?: Probot;
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

  // ---- GitHub connect flow and settings pages ----
  if (!deps.config.setupMode) {
    const probot = deps.probot ?? createProbotInstance({ github: deps.config.github, secret: deps.config.github.webhookSecret, log: createLogger(deps.config.logLevel) });
    const github = createGitHubConnectDeps({ ...deps, probot });
    routers.push(settingsRoutes(github), githubRoutes(github));
  }
  // ---- end of GitHub connect flow and settings pages ----

  return routers;
}
