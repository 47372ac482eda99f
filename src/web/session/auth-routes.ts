import { randomBytes } from "node:crypto";
import { Router, type Request, type Response } from "express";
import { HttpError } from "../http-error.js";
import { renderPage } from "../render.js";
import { clearCookie, SESSION_COOKIE } from "./cookies.js";
import { csrfProtection, rotateCsrfSecret } from "./csrf.js";
import { devSession, startDevSession } from "./dev-session.js";
import { addFlash } from "./flow.js";
import { safeReturnTo } from "./return-to.js";
import { sameSecret } from "./same-secret.js";
import { createSealers, endedSessionsOf, sessionIdOf, type SessionDeps } from "./session-middleware.js";
import { setWorkOSSessionCookie } from "./workos-session.js";

export type AuthRouteDeps = SessionDeps;

const STATE_KEY = "authState";

class SignInError extends HttpError {
  constructor(status: number, message: string) {
    super(status, "Sign-in not completed", message);
  }
}

/** After sign-in: where the user was going, else the start page. */
function finishSignIn(req: Request, res: Response, email: string): void {
  const returnTo = safeReturnTo(req.flow.returnTo) ?? "/";
  delete req.flow.returnTo;
  delete req.flow[STATE_KEY];
  rotateCsrfSecret(req);
  addFlash(req, "success", `Signed in as ${email}.`);
  res.redirect(303, returnTo);
}

function rememberReturnTo(req: Request): void {
  const returnTo = safeReturnTo(req.query.returnTo);
  if (returnTo) req.flow.returnTo = returnTo;
  else delete req.flow.returnTo;
}

interface DevForm {
  email: string;
  organizationId: string;
  role: string;
}

function devFormErrors(form: DevForm): string[] {
  const errors: string[] = [];
  if (!/^[^\s@]+@[^\s@]+$/.test(form.email) || form.email.length > 254)
    errors.push("Enter an email address, such as admin@example.com.");
  if (form.organizationId && !/^[A-Za-z0-9_-]{1,64}$/.test(form.organizationId)) {
    errors.push("The organization id can only have letters, digits, dashes and underscores (for example org_dev).");
  }
  return errors;
}

function renderDevSignIn(res: Response, form: DevForm, errors: string[], status = 200): void {
  renderPage(
    res,
    "sign-in-dev",
    {
      title: "Sign in (development)",
      form,
      errors,
      roles: [
        { value: "admin", label: "Admin", selected: form.role === "admin" },
        { value: "member", label: "Member", selected: form.role !== "admin" },
      ],
    },
    status,
  );
}

/**
 * /auth/login, /auth/callback (WorkOS AuthKit) or /auth/dev-login (AUTH_MODE=dev), and /auth/logout.
 * Needs sessionMiddleware mounted before it.
 */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  const { config, signIn } = deps;
  const secure = config.auth.secureCookies;

  const endedSessions = endedSessionsOf(deps);

  router.post("/auth/logout", csrfProtection, async (req, res) => {
    const sessionId = sessionIdOf(req);
    // Server-side, so a copy of the cookie (another tab's, a saved one) stops working too.
    if (sessionId) await endedSessions.end(sessionId);
    clearCookie(res, SESSION_COOKIE, secure);
    rotateCsrfSecret(req);
    delete req.flow.returnTo;
    req.log.info("signed out");
    if (sessionId && signIn.mode === "workos") {
      res.redirect(303, signIn.workos.userManagement.getLogoutUrl({ sessionId }));
      return;
    }
    addFlash(req, "info", "You are signed out.");
    res.redirect(303, "/");
  });

  if (signIn.mode === "dev") {
    const { devSession: sealer } = createSealers(config, deps.now);

    router.get("/auth/login", (req, res) => {
      rememberReturnTo(req);
      renderDevSignIn(
        res,
        {
          email: req.auth?.email ?? "",
          organizationId: req.auth?.organizationId ?? "org_dev",
          role: req.auth?.role ?? "admin",
        },
        [],
      );
    });

    router.post("/auth/dev-login", csrfProtection, (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
      const form: DevForm = { email: text("email"), organizationId: text("organizationId"), role: text("role") };
      const errors = devFormErrors(form);
      if (errors.length > 0) return renderDevSignIn(res, form, errors, 400);
      const auth = devSession(form);
      startDevSession(res, sealer, secure, auth);
      req.log.info({ organizationId: auth.organizationId, role: auth.role }, "development sign-in");
      finishSignIn(req, res, auth.email);
    });
    return router;
  }

  const { workos, clientId } = signIn;
  const redirectUri = `${config.baseUrl}/auth/callback`;

  router.get("/auth/login", (req, res) => {
    rememberReturnTo(req);
    const state = randomBytes(24).toString("base64url");
    req.flow[STATE_KEY] = state;
    res.redirect(302, workos.userManagement.getAuthorizationUrl({ provider: "authkit", clientId, redirectUri, state }));
  });

  router.get("/auth/callback", async (req, res) => {
    const expected = req.flow[STATE_KEY];
    delete req.flow[STATE_KEY];
    if (typeof req.query.error === "string") {
      req.log.info({ error: req.query.error }, "WorkOS returned a sign-in error");
      throw new SignInError(400, "WorkOS did not sign you in. Start again from the sign-in page.");
    }
    if (!sameSecret(expected, req.query.state)) {
      throw new SignInError(
        400,
        "This sign-in was not started from this browser, or was already used. Start again from the sign-in page.",
      );
    }
    const code = req.query.code;
    if (typeof code !== "string" || code.length === 0 || code.length > 512) {
      throw new SignInError(400, "WorkOS did not send a sign-in code. Start again from the sign-in page.");
    }
    let sealedSession: string | undefined;
    let email: string;
    try {
      const result = await workos.userManagement.authenticateWithCode({
        clientId,
        code,
        ipAddress: req.ip,
        userAgent: req.get("user-agent"),
        session: { sealSession: true, cookiePassword: config.auth.cookiePassword },
      });
      sealedSession = result.sealedSession;
      email = result.user.email;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (typeof status === "number" && status >= 400 && status < 500) {
        req.log.info({ status, error: (error as { error?: unknown }).error }, "WorkOS refused the sign-in code");
        throw new SignInError(
          400,
          "WorkOS did not accept this sign-in (its code is single-use and expires after ten minutes). Start again from the sign-in page.",
        );
      }
      req.log.error({ err: error }, "WorkOS sign-in failed");
      throw new SignInError(502, "The sign-in service did not answer. Try again in a minute.");
    }
    if (!sealedSession)
      throw new SignInError(502, "The sign-in service did not return a session. Try again in a minute.");
    setWorkOSSessionCookie(res, sealedSession, secure);
    req.log.info("signed in");
    finishSignIn(req, res, email);
  });

  return router;
}
