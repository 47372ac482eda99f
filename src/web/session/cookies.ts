import { parseCookie } from "cookie";
import type { CookieOptions, Request, Response } from "express";

export const SESSION_COOKIE = "gc_session";
export const FLOW_COOKIE = "gc_flow";

/** Thirty days: a WorkOS session lasts as long as its refresh token; a dev session as long as its seal. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
export const FLOW_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * One cookie of a request, parsed by `cookie` (first of a repeated name wins; a value that is not
 * percent-encoding comes back as sent, and then fails to unseal like any foreign value).
 */
export function readCookie(req: Request, name: string): string | undefined {
  return parseCookie(req.headers.cookie ?? "")[name];
}

/** HttpOnly, SameSite=Lax, path /, Secure unless the app runs on plain http://. */
function cookieOptions(secure: boolean, maxAgeSeconds?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds * 1000 }),
  };
}

export function setCookie(res: Response, name: string, value: string, secure: boolean, maxAgeSeconds: number): void {
  res.cookie(name, value, cookieOptions(secure, maxAgeSeconds));
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, cookieOptions(secure));
}
