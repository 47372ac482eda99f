import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import express, { type Request, type RequestHandler } from "express";
import { HttpError } from "../http-error.js";

const SECRET_KEY = "csrfSecret";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

class CsrfError extends HttpError {
  constructor() {
    super(
      403,
      "This form has expired",
      "This form could not be accepted: its security token is missing or out of date. Go back, reload the page and try again.",
    );
  }
}

function secretOf(req: Request, create: boolean): string | undefined {
  const existing = req.flow[SECRET_KEY];
  if (typeof existing === "string" && existing.length >= 32) return existing;
  if (!create) return undefined;
  const secret = randomBytes(32).toString("base64url");
  req.flow[SECRET_KEY] = secret;
  return secret;
}

/**
 * The token forms send back as `_csrf` (or the `x-csrf-token` header). It is derived from a
 * per-browser secret kept in the sealed flow cookie, created on first use.
 */
export function csrfToken(req: Request): string {
  return createHmac("sha256", secretOf(req, true)!).update("csrf-token").digest("base64url");
}

/** A new secret (sign-in and sign-out): tokens from before stop working. */
export function rotateCsrfSecret(req: Request): void {
  delete req.flow[SECRET_KEY];
}

function isValidCsrfToken(req: Request, sent: unknown): boolean {
  if (typeof sent !== "string" || !secretOf(req, false)) return false;
  const expected = Buffer.from(csrfToken(req));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const parseForm = express.urlencoded({ extended: false, limit: "32kb" });

/**
 * Refuses a state-changing request (anything but GET/HEAD/OPTIONS) with 403 unless it carries this
 * browser's token. Parses an urlencoded body first (a body already parsed is left alone), so routes
 * behind it can read `req.body`. Needs sessionMiddleware before it.
 */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  parseForm(req, res, (error?: unknown) => {
    if (error) return next(error);
    const body = req.body as Record<string, unknown> | undefined;
    const sent = body?._csrf ?? req.get("x-csrf-token");
    if (!isValidCsrfToken(req, sent)) {
      req.log?.info({ path: req.path, method: req.method, tokenSent: typeof sent === "string" }, "CSRF token refused");
      return next(new CsrfError());
    }
    next();
  });
};
