import { conditionalUpsert } from "../db/conditional-upsert.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "../events/audit-log.js";
import { readMarketplacePlan, readUnitCount as unitCount } from "../github/marketplace-purchase.js";
import { numberAt, objectAt, optionalString, parseGitHubTime, payloadObject, senderActor, stringAt } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

export type PurchaseEvent =
  | "marketplace_purchase.purchased"
  | "marketplace_purchase.changed"
  | "marketplace_purchase.cancelled"
  | "marketplace_purchase.pending_change"
  | "marketplace_purchase.pending_change_cancelled";

/**
 * One conditional upsert: the account is created if this is the first event about it (a pending
 * change can come first), and updated only where `guard` holds. Null when the guard refused it.
 */
async function applyPurchaseEvent(models: Models, accountId: number, guard: Record<string, unknown>, set: Record<string, unknown>) {
  return conditionalUpsert(models.MarketplaceAccount, { accountId, ...guard }, { $set: set });
}

export async function handleMarketplacePurchase(context: HandlerContext<PurchaseEvent>, deps: HandlerDeps): Promise<HandlerOutcome> {
  const { action } = context.payload;
  const payload = payloadObject(context.payload);
  const { models } = deps;
  const purchase = objectAt(payload, "marketplace_purchase", "payload");
  const account = objectAt(purchase, "account", "marketplace_purchase");
  const accountId = numberAt(account, "id", "marketplace_purchase.account");
  const plan = readMarketplacePlan(objectAt(purchase, "plan", "marketplace_purchase"));
  const effectiveAt = parseGitHubTime(payload.effective_date) ?? deps.now();
  const identity = {
    accountLogin: stringAt(account, "login", "marketplace_purchase.account"),
    accountType: optionalString(account, "type") ?? "Organization",
  };

  let set: Record<string, unknown>;
  let guard: Record<string, unknown>;
  if (action === "pending_change") {
    set = {
      pendingChange: { plan, unitCount: unitCount(purchase), billingCycle: optionalString(purchase, "billing_cycle"), effectiveDate: effectiveAt },
    };
    // A change that already took effect makes the pending notice obsolete.
    guard = { $or: [{ planEffectiveAt: null }, { planEffectiveAt: { $lt: effectiveAt } }] };
  } else if (action === "pending_change_cancelled") {
    set = { pendingChange: null };
    // It cancels the change due on its effective_date: a later pending change that arrived since stays.
    guard = { $or: [{ pendingChange: null }, { "pendingChange.effectiveDate": { $lte: effectiveAt } }] };
  } else {
    set = {
      plan,
      billingCycle: optionalString(purchase, "billing_cycle"),
      unitCount: unitCount(purchase),
      onFreeTrial: purchase.on_free_trial === true,
      freeTrialEndsOn: parseGitHubTime(purchase.free_trial_ends_on),
      nextBillingDate: parseGitHubTime(purchase.next_billing_date),
      cancelledAt: action === "cancelled" ? effectiveAt : null,
      pendingChange: null,
      planEffectiveAt: effectiveAt,
    };
    // Purchases and upgrades arrive at once, downgrades when they take effect: the newest effective date wins.
    guard = { $or: [{ planEffectiveAt: null }, { planEffectiveAt: { $lte: effectiveAt } }] };
  }

  const updated = await applyPurchaseEvent(models, accountId, guard, { ...identity, ...set, lastAction: action });
  if (!updated) {
    context.log.debug({ accountId, action }, "marketplace_purchase is older than the stored plan; not applied");
    return "stale";
  }
  const linked = await models.GitHubInstallation.findOne({ accountId, deletedAt: null }, { organizationId: 1 }).lean();
  await recordAudit(models, deps.now(), {
    organizationId: linked?.organizationId,
    actor: senderActor(payload),
    action: `marketplace_purchase.${action}`,
    details: { accountId, plan: plan.name, planId: plan.id, unitCount: unitCount(purchase), effectiveDate: effectiveAt.toISOString() },
  });
  return "applied";
}
