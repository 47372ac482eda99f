import type { Request, RequestHandler, Response } from "express";
import type { AppConfig } from "../../config/env.js";
import type { Models } from "../../models/index.js";
import { clearCookie, SESSION_COOKIE } from "./cookies.js";
import { csrfToken } from "./csrf.js";
import { loadDevSession } from "./dev-session.js";
import { createEndedSessions, type EndedSessions } from "./ended-sessions.js";
import { attachFlow, takeFlash, type FlashView } from "./flow.js";
import { createSealer, type Sealer } from "./seal.js";
import type { AuthSession } from "./types.js";
import type { SignInStrategy } from "./sign-in.js";
import { loadWorkOSSession } from "./workos-session.js";

export interface SessionDeps {
  config: AppConfig;
  signIn: SignInStrategy;
  models: Pick<Models, "EndedSession">;
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

/** The id of this request's session (WorkOS's `sid`, or the dev session's), if signed in: sign-out ends it. */
export function sessionIdOf(req: Request): string | undefined {
  return sessionIds.get(req);
}

/** The sessions signed out of, on the same clock as the session cookies. */
export function endedSessionsOf(deps: SessionDeps): EndedSessions {
  return createEndedSessions(deps.models, deps.now ?? (() => new Date()));
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
  const endedSessions = endedSessionsOf(deps);

  return async (req, res, next) => {
    if (req.flow !== undefined) return next(); // mounted twice: the first one did the work
    attachFlow(req, res, sealers.flow, secure);
    req.auth = null;
    const loaded =
      signIn.mode === "workos"
        ? await loadWorkOSSession(req, res, {
            workos: signIn.workos,
            cookiePassword: authConfig.cookiePassword,
            secure,
          })
        : loadDevSession(req, res, sealers.devSession, secure);
    if (loaded && (await endedSessions.isEnded(loaded.sessionId))) {
      // A copy of a cookie from before its sign-out.
      req.log.info({ reason: "signed out" }, "session ended");
      clearCookie(res, SESSION_COOKIE, secure);
    } else if (loaded) {
      req.auth = loaded.auth;
      sessionIds.set(req, loaded.sessionId);
    }
    if (req.auth) req.log = req.log.child({ userId: req.auth.userId, organizationId: req.auth.organizationId });
    exposeToViews(req, res, signIn.mode === "dev");
    next();
  };
}
