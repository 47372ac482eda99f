import type { MarketplacePlan } from "../models/marketplace-account.js";
import {
  isObject,
  MalformedPayloadError,
  numberAt,
  objectAt,
  optionalString,
  parseGitHubTime,
  stringAt,
  type Json,
} from "./payload.js";

/** Payloads say "FLAT_RATE", "flat-rate" or "flat_rate"; store one spelling. */
function normalisePriceModel(raw: string): MarketplacePlan["priceModel"] {
  const model = raw.toUpperCase().replace(/-/g, "_");
  if (model !== "FREE" && model !== "FLAT_RATE" && model !== "PER_UNIT") {
    throw new MalformedPayloadError(
      `marketplace_purchase.plan.price_model "${raw}" is not FREE, FLAT_RATE or PER_UNIT`,
    );
  }
  return model;
}

/** A listing plan as webhooks and the Marketplace API describe it (`marketplace-listing-plan`). */
export function readMarketplacePlan(plan: Json): MarketplacePlan {
  return {
    id: numberAt(plan, "id", "plan"),
    name: stringAt(plan, "name", "plan"),
    priceModel: normalisePriceModel(stringAt(plan, "price_model", "plan")),
    monthlyPriceInCents: typeof plan.monthly_price_in_cents === "number" ? plan.monthly_price_in_cents : 0,
    yearlyPriceInCents: typeof plan.yearly_price_in_cents === "number" ? plan.yearly_price_in_cents : 0,
    unitName: optionalString(plan, "unit_name"),
    hasFreeTrial: plan.has_free_trial === true,
  };
}

export function readUnitCount(purchase: Json): number | null {
  return typeof purchase.unit_count === "number" ? purchase.unit_count : null;
}

export interface PendingChangeState {
  plan: MarketplacePlan;
  unitCount: number | null;
  billingCycle: string | null;
  effectiveDate: Date;
}

/** What GitHub's Marketplace API says an account has now (`marketplace-purchase`). */
export interface MarketplaceAccountState {
  accountId: number;
  accountLogin: string;
  accountType: string;
  plan: MarketplacePlan;
  billingCycle: string | null;
  unitCount: number | null;
  onFreeTrial: boolean;
  freeTrialEndsOn: Date | null;
  nextBillingDate: Date | null;
  pendingChange: PendingChangeState | null;
}

/**
 * One account from `GET /marketplace_listing/accounts/{id}` or `…/plans/{plan_id}/accounts`.
 * `listedPlan` stands in when the purchase carries no plan (the accounts of a plan are listed
 * under it). A pending change without a plan or a date is not one we can apply: left out.
 */
export function readMarketplaceAccount(json: unknown, listedPlan?: MarketplacePlan): MarketplaceAccountState {
  if (!isObject(json)) throw new MalformedPayloadError("a Marketplace account must be an object");
  const purchase = objectAt(json, "marketplace_purchase", "account");
  const plan = isObject(purchase.plan) ? readMarketplacePlan(purchase.plan) : listedPlan;
  if (!plan) throw new MalformedPayloadError("account.marketplace_purchase.plan must be an object");
  const pending = json.marketplace_pending_change;
  const pendingDate = isObject(pending) ? parseGitHubTime(pending.effective_date) : null;
  return {
    accountId: numberAt(json, "id", "account"),
    accountLogin: stringAt(json, "login", "account"),
    accountType: optionalString(json, "type") ?? "Organization",
    plan,
    billingCycle: optionalString(purchase, "billing_cycle"),
    unitCount: readUnitCount(purchase),
    onFreeTrial: purchase.on_free_trial === true,
    freeTrialEndsOn: parseGitHubTime(purchase.free_trial_ends_on),
    nextBillingDate: parseGitHubTime(purchase.next_billing_date),
    pendingChange:
      isObject(pending) && isObject(pending.plan) && pendingDate
        ? {
            plan: readMarketplacePlan(pending.plan),
            unitCount: readUnitCount(pending),
            billingCycle: null,
            effectiveDate: pendingDate,
          }
        : null,
  };
}
