import { recordAudit } from "../services/audit.js";
import { numberAt, objectAt, type Json } from "./payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/**
 * A user revoked the App's authorization. The app keeps no user tokens (the OAuth token that
 * verifies an installer is dropped after the check), so there is no grant to delete: the
 * revocation is recorded so support can see it.
 */
export async function handleGitHubAppAuthorization(context: HandlerContext<Json>, deps: HandlerDeps): Promise<HandlerOutcome> {
  if (context.payload.action !== "revoked") return "ignored";
  const sender = objectAt(context.payload, "sender", "payload");
  const userId = numberAt(sender, "id", "sender");
  await recordAudit(deps.models, deps.now(), {
    actor: `github:${String(sender.login ?? userId)}`,
    action: "github_app_authorization.revoked",
    details: { githubUserId: userId },
  });
  return "applied";
}
