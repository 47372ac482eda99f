import { Router, type RequestHandler } from "express";
import type { AppConfig } from "../config/env.js";
import type { Models } from "../models/index.js";
import type { Repos } from "../repos/repos.js";
import type { GitHubConnectDeps } from "./github-connect-deps.js";
import { pageIdentity, type PageIdentityDeps } from "./middleware/page-identity.js";
import { csrfProtection } from "./session/csrf.js";
import { sessionMiddleware } from "./session/session-middleware.js";
import type { SignInStrategy } from "./session/sign-in.js";
import { authRoutes } from "./session/auth-routes.js";
import { homeRoutes } from "./home-routes.js";
import { githubRoutes } from "./connect/connect-routes.js";
import { projectsRoutes } from "./projects/projects-routes.js";
import { settingsRoutes } from "./settings/settings-routes.js";
import { operatorRoutes } from "./operator/operator-routes.js";
import { exposeConsoleLink } from "./operator/operator-access.js";

export interface WebRouterDeps {
  config: AppConfig;
  models: Models;
  now: () => Date;
  signIn: SignInStrategy;
  /** The connect flow and settings pages' parts; absent in setup mode (no App yet). */
  github?: GitHubConnectDeps;
  /** The repos the app creates (the settings page's New project form); absent in setup mode. */
  repos?: Repos;
  /** The App's and the organization's names for the pages (cached lookups on GitHub and WorkOS). */
  identity: PageIdentityDeps;
}

/** Every state-changing browser request carries a CSRF token; /api/* (service tokens, no cookies) is exempt. */
const csrfForPages: RequestHandler = (req, res, next) =>
  req.path.startsWith("/api/") ? next() : csrfProtection(req, res, next);

/**
 * The page and flow routers, in order, for createWebApp: the session (req.auth, req.flow, CSRF)
 * first, then sign-in, then the pages that use them.
 */
export function buildWebRouters(deps: WebRouterDeps): Router[] {
  const session = Router();
  session.use(sessionMiddleware(deps));
  // Before CSRF, so even its refusal page carries the names.
  session.use(pageIdentity(deps.identity));
  session.use(csrfForPages);
  session.use(exposeConsoleLink(deps.config.operatorEmails));

  const routers: Router[] = [session, authRoutes(deps), homeRoutes(deps.config.operatorEmails)];
  if (deps.github) routers.push(settingsRoutes(deps.github), githubRoutes(deps.github));
  if (deps.github && deps.repos) routers.push(projectsRoutes({ repos: deps.repos, urls: deps.github.urls }));
  if (deps.github) routers.push(operatorRoutes(deps.github));
  return routers;
}
