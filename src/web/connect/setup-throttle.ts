import type { RequestHandler } from "express";
import { createFixedWindowLimiter } from "../../lib/fixed-window-limiter.js";
import { HttpError } from "../http-error.js";

/** A connect takes one or two setup visits; these leave room for retries and a few open tabs. */
const PER_USER = { limit: 10, windowMs: 10 * 60_000 };
const PER_ORGANIZATION = { limit: 30, windowMs: 10 * 60_000 };
/** Keys remembered at once per limiter: a bounded cost whatever the number of sessions. */
const MAX_KEYS = 10_000;

export class SetupThrottledError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      "Too many attempts to connect",
      "Your organization tried to connect GitHub too many times in a short while. Nothing was changed. Wait a few minutes, then go to Settings and press Connect GitHub again.",
    );
  }
}

/**
 * Limits /github/setup and its confirmation per signed-in user and per organization, so no one
 * admin, nor all of an organization's admins, can drive the setup page (and GitHub behind it)
 * at will. Answers 429 with Retry-After; runs after the admin guard, so it counts admins only.
 */
export function createSetupThrottle(): RequestHandler {
  const perUser = createFixedWindowLimiter({ ...PER_USER, maxKeys: MAX_KEYS });
  const perOrganization = createFixedWindowLimiter({ ...PER_ORGANIZATION, maxKeys: MAX_KEYS });
  return (req, res, next) => {
    const { organizationId, userId } = req.auth!;
    const verdict = perUser.take(`${organizationId}\u0000${userId}`);
    const orgVerdict = verdict.allowed ? perOrganization.take(organizationId!) : verdict;
    if (orgVerdict.allowed) return next();
    res.set("retry-after", String(orgVerdict.retryAfterSeconds));
    next(new SetupThrottledError(orgVerdict.retryAfterSeconds));
  };
}
