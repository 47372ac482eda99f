import { readMarketplacePlan, readUnitCount } from "../github/marketplace-purchase.js";
import {
  numberAt,
  objectAt,
  optionalString,
  parseGitHubTime,
  payloadObject,
  senderActor,
  stringAt,
} from "../github/payload.js";
import { applyPurchaseEvent } from "../marketplace/purchases.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

export type PurchaseEvent =
  | "marketplace_purchase.purchased"
  | "marketplace_purchase.changed"
  | "marketplace_purchase.cancelled"
  | "marketplace_purchase.pending_change"
  | "marketplace_purchase.pending_change_cancelled";

/** Reads the event and hands it to the Marketplace purchases module, the one writer of accounts. */
export async function handleMarketplacePurchase(
  context: HandlerContext<PurchaseEvent>,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const { action } = context.payload;
  const payload = payloadObject(context.payload);
  const purchase = objectAt(payload, "marketplace_purchase", "payload");
  const account = objectAt(purchase, "account", "marketplace_purchase");
  const accountId = numberAt(account, "id", "marketplace_purchase.account");
  const outcome = await applyPurchaseEvent(deps, {
    action,
    accountId,
    accountLogin: stringAt(account, "login", "marketplace_purchase.account"),
    accountType: optionalString(account, "type") ?? "Organization",
    plan: readMarketplacePlan(objectAt(purchase, "plan", "marketplace_purchase")),
    billingCycle: optionalString(purchase, "billing_cycle"),
    unitCount: readUnitCount(purchase),
    onFreeTrial: purchase.on_free_trial === true,
    freeTrialEndsOn: parseGitHubTime(purchase.free_trial_ends_on),
    nextBillingDate: parseGitHubTime(purchase.next_billing_date),
    effectiveAt: parseGitHubTime(payload.effective_date) ?? deps.now(),
    actor: senderActor(payload),
  });
  if (outcome === "stale")
    context.log.debug({ accountId, action }, "marketplace_purchase is older than the stored plan; not applied");
  return outcome;
}
