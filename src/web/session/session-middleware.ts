import type { Request, RequestHandler, Response } from "express";
import type { AppConfig } from "../../config/env.js";
import { csrfToken } from "./csrf.js";
import { loadDevSession } from "./dev-session.js";
import { attachFlow, takeFlash, type FlashView } from "./flow.js";
import { createSealer, type Sealer } from "./seal.js";
import type { AuthSession } from "./types.js";
import type { SignInStrategy } from "./sign-in.js";
import { loadWorkOSSession } from "./workos-session.js";

export interface SessionDeps {
  config: AppConfig;
  signIn: SignInStrategy;
  now?: () => Date;
}

/** What the header shows about the signed-in user. */
export interface CurrentUserView {
  email: string;
  name: string | null;
  organizationId: string | null;
  /** The organization's name from the directory (set by pageIdentity); null shows the id. */
  organizationName?: string | null;
  role: AuthSession["role"];
  roleLabel: string;
}

const sessionIds = new WeakMap<Request, string>();

/** The WorkOS session id of this request's session, if it has one (for the logout URL). */
export function workosSessionIdOf(req: Request): string | undefined {
  return sessionIds.get(req);
}

export interface Sealers {
  flow: Sealer;
  devSession: Sealer;
}

export function createSealers(config: AppConfig, now?: () => Date): Sealers {
  return {
    flow: createSealer(config.auth.cookiePassword, "flow", now),
    devSession: createSealer(config.auth.cookiePassword, "dev-session", now),
  };
}

/** Everything a page template needs from the session, computed here so templates only show. */
function exposeToViews(req: Request, res: Response, devSignIn: boolean): void {
  const auth = req.auth;
  res.locals.devSignIn = devSignIn;
  res.locals.currentUser = auth
    ? ({
        email: auth.email,
        name: auth.name,
        organizationId: auth.organizationId,
        role: auth.role,
        roleLabel: auth.role === "admin" ? "Admin" : "Member",
      } satisfies CurrentUserView)
    : null;
  // Getters: the CSRF secret is only created, and the flash only consumed, when a page is rendered.
  let flash: FlashView[] | undefined;
  Object.defineProperty(res.locals, "flash", {
    enumerable: true,
    configurable: true,
    get: () => (flash ??= takeFlash(req)),
  });
  Object.defineProperty(res.locals, "csrfToken", { enumerable: true, configurable: true, get: () => csrfToken(req) });
}

/**
 * Sets `req.auth` (the signed-in user or null) and `req.flow` (the sealed per-browser flow
 * cookie) on every request, and `res.locals.currentUser`, `csrfToken`, `flash`, `devSignIn`.
 */
export function sessionMiddleware(deps: SessionDeps): RequestHandler {
  const { auth: authConfig } = deps.config;
  const sealers = createSealers(deps.config, deps.now);
  const secure = authConfig.secureCookies;
  const { signIn } = deps;

  return async (req, res, next) => {
    if (req.flow !== undefined) return next(); // mounted twice: the first one did the work
    attachFlow(req, res, sealers.flow, secure);
    req.auth = null;
    if (signIn.mode === "workos") {
      const loaded = await loadWorkOSSession(req, res, {
        workos: signIn.workos,
        cookiePassword: authConfig.cookiePassword,
        secure,
      });
      if (loaded) {
        req.auth = loaded.auth;
        sessionIds.set(req, loaded.sessionId);
      }
    } else {
      req.auth = loadDevSession(req, res, sealers.devSession, secure);
    }
    if (req.auth) req.log = req.log.child({ userId: req.auth.userId, organizationId: req.auth.organizationId });
    exposeToViews(req, res, signIn.mode === "dev");
    next();
  };
}
