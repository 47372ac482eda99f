import type { Request, Response } from "express";
import type { User, WorkOS } from "@workos-inc/node";
import { clearCookie, readCookie, SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, setCookie } from "./cookies.js";
import { toRole } from "./roles.js";
import type { AuthSession } from "./types.js";

export interface WorkOSSessionOptions {
  workos: WorkOS;
  cookiePassword: string;
  secure: boolean;
}

export interface LoadedWorkOSSession {
  auth: AuthSession;
  /** The WorkOS session id (`sid`), for the logout URL. */
  sessionId: string;
}

interface SessionClaims {
  user: User;
  sessionId: string;
  organizationId?: string;
  role?: string;
}

function toAuth(claims: SessionClaims): LoadedWorkOSSession {
  const { user } = claims;
  const name = user.name ?? ([user.firstName, user.lastName].filter(Boolean).join(" ") || null);
  return {
    sessionId: claims.sessionId,
    auth: {
      userId: user.id,
      email: user.email,
      emailVerified: user.emailVerified === true,
      name,
      organizationId: claims.organizationId ?? null,
      role: toRole(claims.role),
    },
  };
}

/** Seals a new session into the cookie (after the callback or a refresh). */
export function setWorkOSSessionCookie(res: Response, sealedSession: string, secure: boolean): void {
  setCookie(res, SESSION_COOKIE, sealedSession, secure, SESSION_MAX_AGE_SECONDS);
}

/**
 * Reads the AuthKit session from its sealed cookie: the access token is checked against WorkOS's
 * JWKS; when it no longer verifies (it expires after minutes) the refresh token buys a new one
 * and the cookie is re-sealed. A cookie that cannot be opened, or a refresh WorkOS refuses, ends
 * the session. A WorkOS outage does not: the request is treated as signed out, the cookie kept.
 */
export async function loadWorkOSSession(
  req: Request,
  res: Response,
  options: WorkOSSessionOptions,
): Promise<LoadedWorkOSSession | null> {
  const sessionData = readCookie(req, SESSION_COOKIE);
  if (!sessionData) return null;
  const end = (reason: string) => {
    req.log.info({ reason }, "session ended");
    clearCookie(res, SESSION_COOKIE, options.secure);
    return null;
  };
  try {
    const session = options.workos.userManagement.loadSealedSession({
      sessionData,
      cookiePassword: options.cookiePassword,
    });
    const result = await session.authenticate();
    if (result.authenticated) return toAuth(result);
    if (result.reason !== "invalid_jwt") return end(result.reason);

    const refreshed = await session.refresh();
    if (refreshed.authenticated && refreshed.sealedSession) {
      setWorkOSSessionCookie(res, refreshed.sealedSession, options.secure);
      req.log.debug({ organizationId: refreshed.organizationId }, "session refreshed");
      return toAuth(refreshed);
    }
    if (!refreshed.authenticated && refreshed.retryable) {
      req.log.warn({ reason: refreshed.reason }, "session refresh failed for now; treated as signed out");
      return null;
    }
    return end(refreshed.authenticated ? "refresh returned no session" : refreshed.reason);
  } catch (error) {
    req.log.warn(
      { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
      "session could not be read; treated as signed out",
    );
    return null;
  }
}
