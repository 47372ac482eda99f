import { createHash, randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import { clearCookie, readCookie, SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, setCookie } from "./cookies.js";
import { toRole } from "./roles.js";
import type { Sealer } from "./seal.js";
import type { AuthSession } from "./types.js";

export interface DevSignIn {
  email: string;
  organizationId: string | null;
  role: string;
}

/** AUTH_MODE=dev: whoever fills in the form is that user, in that organization, with that role. */
export function devSession(input: DevSignIn): AuthSession {
  const email = input.email.trim().toLowerCase();
  return {
    userId: `dev_user_${createHash("sha256").update(email).digest("hex").slice(0, 16)}`,
    email,
    emailVerified: true,
    name: null,
    organizationId: input.organizationId?.trim() || null,
    role: toRole(input.role),
  };
}

/** What the dev-session cookie seals: the user, and this sign-in's own id (so sign-out can end it). */
interface SealedDevSession extends AuthSession {
  sessionId: string;
}

export interface LoadedDevSession {
  auth: AuthSession;
  /** This sign-in's id, recorded as ended at sign-out. */
  sessionId: string;
}

export function startDevSession(res: Response, sealer: Sealer, secure: boolean, auth: AuthSession): void {
  const sealed: SealedDevSession = { ...auth, sessionId: `dev_session_${randomBytes(16).toString("base64url")}` };
  setCookie(res, SESSION_COOKIE, sealer.seal(sealed, SESSION_MAX_AGE_SECONDS), secure, SESSION_MAX_AGE_SECONDS);
}

/**
 * The signed-in user, or null; a missing, altered or expired cookie is no session (and is
 * removed), as is one sealed before sessions had ids (it could not be signed out of).
 */
export function loadDevSession(req: Request, res: Response, sealer: Sealer, secure: boolean): LoadedDevSession | null {
  const raw = readCookie(req, SESSION_COOKIE);
  if (raw === undefined) return null;
  const sealed = sealer.unseal<SealedDevSession>(raw);
  if (
    !sealed ||
    typeof sealed.email !== "string" ||
    typeof sealed.userId !== "string" ||
    typeof sealed.sessionId !== "string"
  ) {
    clearCookie(res, SESSION_COOKIE, secure);
    return null;
  }
  return {
    sessionId: sealed.sessionId,
    auth: {
      userId: sealed.userId,
      email: sealed.email,
      emailVerified: true,
      name: sealed.name ?? null,
      organizationId: sealed.organizationId ?? null,
      role: toRole(sealed.role),
    },
  };
}
