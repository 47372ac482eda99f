import { recordAudit } from "../services/audit.js";
import { senderActor, type Json } from "./payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/**
 * The App's webhook was deleted on GitHub: this is the last event that will arrive until an
 * operator restores it, so it is logged at error level for alerting, and recorded.
 */
export async function handleMeta(context: HandlerContext<Json>, deps: HandlerDeps): Promise<HandlerOutcome> {
  if (context.payload.action !== "deleted") return "ignored";
  const hookId = typeof context.payload.hook_id === "number" ? context.payload.hook_id : null;
  context.log.error({ hookId }, "the App's webhook was deleted on GitHub: no more events arrive until it is restored in the App's settings");
  await recordAudit(deps.models, deps.now(), {
    actor: senderActor(context.payload),
    action: "meta.webhook_deleted",
    details: { hookId },
  });
  return "applied";
}
