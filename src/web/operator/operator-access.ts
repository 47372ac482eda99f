import type { RequestHandler } from "express";
import { NotFoundError } from "../http-error.js";
import type { AuthSession } from "../session/types.js";
import { OPERATOR_PATH } from "./operator-paths.js";

/** Whether this signed-in person is an operator: a verified email listed in OPERATOR_EMAILS. */
export function isOperator(auth: AuthSession | null, operatorEmails: readonly string[]): boolean {
  if (!auth?.emailVerified) return false;
  const email = auth.email.toLowerCase();
  return operatorEmails.some((listed) => listed.toLowerCase() === email);
}

/** Tells the header (and only for operators) where the console is; nobody else learns it exists. */
export function exposeConsoleLink(operatorEmails: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.locals.operatorConsoleUrl = isOperator(req.auth, operatorEmails) ? OPERATOR_PATH : null;
    next();
  };
}

/**
 * Only operators get past: signed in, with a verified email listed in OPERATOR_EMAILS. Everyone
 * else (signed out, admins of any organization, an unverified email) gets the same 404 as an
 * address that does not exist, so the console's existence says nothing about who runs it.
 */
export function requireOperator(operatorEmails: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (!isOperator(req.auth, operatorEmails)) throw new NotFoundError();
    // Nothing in the console may be kept by a browser's or a proxy's cache.
    res.set("cache-control", "no-store");
    next();
  };
}

/** The operator acting, as the event log and the Activity page name them. */
export function operatorActor(email: string): { actor: string; actorName: string } {
  return { actor: `operator:${email.toLowerCase()}`, actorName: email.toLowerCase() };
}
