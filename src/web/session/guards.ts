import type { Request, RequestHandler, Response } from "express";
import { HttpError } from "../http-error.js";
import { safeReturnTo } from "./return-to.js";

class NotSignedInError extends HttpError {
  constructor() {
    super(401, "Sign in required", "Sign in to see this page.");
  }
}

export class NoOrganizationError extends HttpError {
  constructor() {
    super(
      403,
      "No organization",
      "Your account is not in an organization. Ask an admin of your organization to invite you, then sign out and sign in again.",
    );
  }
}

class AdminOnlyError extends HttpError {
  constructor(action = "make this change") {
    super(403, "Admins only", `Only organization admins can ${action}. Ask an admin of your organization.`);
  }
}

function wantsPage(req: Request): boolean {
  return !req.path.startsWith("/api/") && req.accepts("html") !== false;
}

/** Sends a signed-out browser to sign in (coming back here afterwards); other clients get 401. */
function refuseSignedOut(req: Request, res: Response): void {
  if (!wantsPage(req)) throw new NotSignedInError();
  const returnTo = req.method === "GET" ? safeReturnTo(req.originalUrl) : undefined;
  res.redirect(303, returnTo ? `/auth/login?returnTo=${encodeURIComponent(returnTo)}` : "/auth/login");
}

/** Only signed-in users pass. */
export const requireSignedIn: RequestHandler = (req, res, next) => {
  if (!req.auth) return refuseSignedOut(req, res);
  next();
};

/** Signed in, and in a WorkOS organization (403 page otherwise). */
export const requireOrganization: RequestHandler = (req, res, next) => {
  if (!req.auth) return refuseSignedOut(req, res);
  if (!req.auth.organizationId) throw new NoOrganizationError();
  next();
};

/** Signed in, in an organization, with the admin role; members get a 403 page saying who can. */
export function requireAdminTo(action: string): RequestHandler {
  return (req, res, next) => {
    if (!req.auth) return refuseSignedOut(req, res);
    if (!req.auth.organizationId) throw new NoOrganizationError();
    if (req.auth.role !== "admin") throw new AdminOnlyError(action);
    next();
  };
}
