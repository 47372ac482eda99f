import type { Request } from "express";
import {
  StateTokenError,
  type IssueOptions,
  type StateClaims,
  type StatePurpose,
  type StateTokens,
} from "../../connect/state-token.js";

/**
 * The connect and OAuth states a browser was given are also kept in its sealed flow cookie
 * (the issue's "also kept in the session"): a state is honoured only in the browser it was
 * issued to, on top of its signature, expiry, binding and single use.
 */
const FLOW_KEY = "githubStateNonces";
/** A few, so two open tabs (or a Connect pressed twice) both still work. */
const KEEP = 5;

function nonces(req: Request): string[] {
  const list = req.flow[FLOW_KEY];
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === "string") : [];
}

/** Issues a state bound to the signed-in user and remembers it in this browser. */
export function issueState(
  req: Request,
  states: StateTokens,
  options: Omit<IssueOptions, "organizationId" | "userId">,
): string {
  const auth = req.auth;
  if (!auth?.organizationId) throw new Error("issueState needs a signed-in user in an organization");
  const { token, claims } = states.issue({ ...options, organizationId: auth.organizationId, userId: auth.userId });
  req.flow[FLOW_KEY] = [...nonces(req), claims.nonce].slice(-KEEP);
  return token;
}

/**
 * Checks a state that came back from GitHub against the signed-in user and this browser, then
 * uses it up. Throws StateTokenError (a missing state is "forged": we always send one).
 */
export async function consumeState(
  req: Request,
  states: StateTokens,
  token: unknown,
  purpose: StatePurpose,
): Promise<StateClaims> {
  const auth = req.auth;
  if (!auth?.organizationId) throw new Error("consumeState needs a signed-in user in an organization");
  if (typeof token !== "string" || token === "") throw new StateTokenError("forged");
  const binding = { organizationId: auth.organizationId, userId: auth.userId };
  const claims = states.verify(token, purpose, binding);
  if (!nonces(req).includes(claims.nonce)) throw new StateTokenError("wrong-session");
  return states.consume(token, purpose, binding);
}
