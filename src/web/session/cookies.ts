import type { CookieOptions, Request, Response } from "express";

export const SESSION_COOKIE = "gc_session";
export const FLOW_COOKIE = "gc_flow";

/** Thirty days: a WorkOS session lasts as long as its refresh token; a dev session as long as its seal. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
export const FLOW_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** The cookies of a request, by name. Malformed pairs are skipped, never thrown on. */
export function readCookies(req: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (req.headers.cookie ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at < 1) continue;
    const name = pair.slice(0, at).trim();
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      if (!cookies.has(name)) cookies.set(name, decodeURIComponent(value));
    } catch {
      // not percent-encoded as we write it: not ours
    }
  }
  return cookies;
}

/** HttpOnly, SameSite=Lax, path /, Secure unless the app runs on plain http://. */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number): CookieOptions {
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
