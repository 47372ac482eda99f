import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Models } from "../models/index.js";
import { isDuplicateKeyError } from "../db/duplicate-key.js";

/**
 * The `state` that travels through GitHub on connect (purpose "install": our link → GitHub's
 * install page → the setup URL) and on OAuth (purpose "oauth": setup → GitHub's authorize page →
 * the callback), and on the confirmation that follows OAuth when the install did not start from
 * our link (purpose "confirm": the callback's page → its form). It is signed (HMAC-SHA256), expires after 10 minutes, is bound to the
 * organization and the user who started the flow, and can be used once.
 *
 * Format: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, "github-connect-state." + claims)).
 * Nothing in it is secret; it only has to be unforgeable.
 */
export type StatePurpose = "install" | "oauth" | "confirm";

export interface StateBinding {
  organizationId: string;
  userId: string;
}

export interface StateClaims extends StateBinding {
  purpose: StatePurpose;
  /** Random, 128 bits: what "used once" is recorded against. */
  nonce: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** The installation the OAuth step verifies (purpose "oauth"), or that it verified (purpose "confirm"). */
  installationId?: number;
  /**
   * What the OAuth step is for: link an installation, ask the admin first and then link it (an
   * install that did not start from our link), or record who asked an owner to approve one.
   */
  intent?: "link" | "confirm" | "request";
}

/** "wrong-session": a valid state for this user, but not issued to this browser (it is also kept in the flow cookie). */
export type StateTokenFailure = "expired" | "forged" | "replayed" | "wrong-org" | "wrong-user" | "wrong-session";

/** A state that must not be honoured; `reason` says why (the web layer turns it into a page). */
export class StateTokenError extends Error {
  override name = "StateTokenError";
  constructor(readonly reason: StateTokenFailure) {
    super(`state rejected: ${reason}`);
  }
}

const STATE_TTL_MS = 10 * 60 * 1000;
const DOMAIN = "github-connect-state.";

export interface StateTokenDeps {
  secret: string;
  now: () => Date;
  models: Pick<Models, "UsedState">;
  ttlMs?: number;
}

export interface IssueOptions extends StateBinding {
  purpose: StatePurpose;
  installationId?: number;
  intent?: StateClaims["intent"];
}

export interface StateTokens {
  issue(options: IssueOptions): { token: string; claims: StateClaims };
  /** Checks signature, purpose, expiry and binding without using the state up. */
  verify(token: string, purpose: StatePurpose, expected: StateBinding): StateClaims;
  /** verify(), then records the nonce: a second consume of the same state fails with "replayed". */
  consume(token: string, purpose: StatePurpose, expected: StateBinding): Promise<StateClaims>;
}

function sign(secret: string, body: string): Buffer {
  return createHmac("sha256", secret)
    .update(DOMAIN + body)
    .digest();
}

function parseClaims(json: string): StateClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const c = value as Record<string, unknown>;
  const ok =
    (c.purpose === "install" || c.purpose === "oauth" || c.purpose === "confirm") &&
    typeof c.nonce === "string" &&
    typeof c.organizationId === "string" &&
    typeof c.userId === "string" &&
    typeof c.expiresAt === "number" &&
    (c.installationId === undefined || Number.isSafeInteger(c.installationId)) &&
    (c.intent === undefined || c.intent === "link" || c.intent === "confirm" || c.intent === "request");
  return ok ? (value as StateClaims) : null;
}

export function createStateTokens(deps: StateTokenDeps): StateTokens {
  const ttlMs = deps.ttlMs ?? STATE_TTL_MS;

  const verify: StateTokens["verify"] = (token, purpose, expected) => {
    const [body, mac, extra] = token.split(".");
    if (!body || !mac || extra !== undefined || token.length > 2048) throw new StateTokenError("forged");
    const given = Buffer.from(mac, "base64url");
    const wanted = sign(deps.secret, body);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new StateTokenError("forged");
    const claims = parseClaims(Buffer.from(body, "base64url").toString("utf8"));
    // A state made for the other step is not one this step issued.
    if (!claims || claims.purpose !== purpose) throw new StateTokenError("forged");
    if (deps.now().getTime() >= claims.expiresAt) throw new StateTokenError("expired");
    if (claims.organizationId !== expected.organizationId) throw new StateTokenError("wrong-org");
    if (claims.userId !== expected.userId) throw new StateTokenError("wrong-user");
    return claims;
  };

  return {
    issue(options) {
      const claims: StateClaims = {
        purpose: options.purpose,
        nonce: randomBytes(16).toString("base64url"),
        organizationId: options.organizationId,
        userId: options.userId,
        expiresAt: deps.now().getTime() + ttlMs,
        ...(options.installationId !== undefined ? { installationId: options.installationId } : {}),
        ...(options.intent ? { intent: options.intent } : {}),
      };
      const body = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
      return { token: `${body}.${sign(deps.secret, body).toString("base64url")}`, claims };
    },

    verify,

    async consume(token, purpose, expected) {
      const claims = verify(token, purpose, expected);
      const usedAt = deps.now();
      try {
        await deps.models.UsedState.create({
          nonce: claims.nonce,
          purpose: claims.purpose,
          organizationId: claims.organizationId,
          usedAt,
          expiresAt: new Date(claims.expiresAt),
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new StateTokenError("replayed");
        throw error;
      }
      // An expired state is refused before its nonce is looked at, so its row is no longer needed.
      await deps.models.UsedState.deleteMany({ expiresAt: { $lt: usedAt } }).catch(() => undefined);
      return claims;
    },
  };
}
