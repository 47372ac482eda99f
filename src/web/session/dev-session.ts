import { createHash } from "node:crypto";
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
    name: null,
    organizationId: input.organizationId?.trim() || null,
    role: toRole(input.role),
  };
}

export function startDevSession(res: Response, sealer: Sealer, secure: boolean, auth: AuthSession): void {
  setCookie(res, SESSION_COOKIE, sealer.seal(auth, SESSION_MAX_AGE_SECONDS), secure, SESSION_MAX_AGE_SECONDS);
}

/** The signed-in user, or null; a missing, altered or expired cookie is no session (and is removed). */
export function loadDevSession(req: Request, res: Response, sealer: Sealer, secure: boolean): AuthSession | null {
  const raw = readCookie(req, SESSION_COOKIE);
  if (raw === undefined) return null;
  const auth = sealer.unseal<AuthSession>(raw);
  if (!auth || typeof auth.email !== "string" || typeof auth.userId !== "string") {
    clearCookie(res, SESSION_COOKIE, secure);
    return null;
  }
  return {
    userId: auth.userId,
    email: auth.email,
    name: auth.name ?? null,
    organizationId: auth.organizationId ?? null,
    role: toRole(auth.role),
  };
}
