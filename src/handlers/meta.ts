import { recordAudit } from "../events/audit-log.js";
import { payloadObject, senderActor } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/**
 * The App's webhook was deleted on GitHub: this is the last event that will arrive until an
 * operator restores it, so it is logged at error level for alerting, and recorded.
 */
export async function handleMeta(context: HandlerContext<"meta.deleted">, deps: HandlerDeps): Promise<HandlerOutcome> {
  const payload = payloadObject(context.payload);
  const hookId = typeof payload.hook_id === "number" ? payload.hook_id : null;
  context.log.error(
    { hookId },
    "the App's webhook was deleted on GitHub: no more events arrive until it is restored in the App's settings",
  );
  await recordAudit(deps.models, deps.now(), {
    actor: senderActor(payload),
    action: "meta.webhook_deleted",
    details: { hookId },
  });
  return "applied";
}
