import type { RequestHandler } from "express";
import { NotFoundError } from "../http-error.js";

/**
 * Only operators get past: signed in, with a verified email listed in OPERATOR_EMAILS. Everyone
 * else (signed out, admins of any organization, an unverified email) gets the same 404 as an
 * address that does not exist, so the console's existence says nothing about who runs it.
 */
export function requireOperator(operatorEmails: readonly string[]): RequestHandler {
  const operators = new Set(operatorEmails.map((email) => email.toLowerCase()));
  return (req, res, next) => {
    const auth = req.auth;
    if (!auth?.emailVerified || !operators.has(auth.email.toLowerCase())) throw new NotFoundError();
    // Nothing in the console may be kept by a browser's or a proxy's cache.
    res.set("cache-control", "no-store");
    next();
  };
}

/** The operator acting, as the event log and the Activity page name them. */
export function operatorActor(email: string): { actor: string; actorName: string } {
  return { actor: `operator:${email.toLowerCase()}`, actorName: email.toLowerCase() };
}
