import { recordAudit } from "../events/audit-log.js";
import { numberAt, objectAt, payloadObject } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/**
 * A user revoked the App's authorization. The app keeps no user tokens (the OAuth token that
 * verifies an installer is dropped after the check), so there is no grant to delete: the
 * revocation is recorded so support can see it.
 */
export async function handleGitHubAppAuthorization(
  context: HandlerContext<"github_app_authorization.revoked">,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const sender = objectAt(payloadObject(context.payload), "sender", "payload");
  const userId = numberAt(sender, "id", "sender");
  await recordAudit(deps.models, deps.now(), {
    actor: `github:${String(sender.login ?? userId)}`,
    action: "github_app_authorization.revoked",
    details: { githubUserId: userId },
  });
  return "applied";
}
