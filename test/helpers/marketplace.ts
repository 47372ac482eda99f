import { expect } from "vitest";
import type { AccountSpec, Json } from "./github/fixtures.js";
import { type ListingPlanSpec, type MarketplacePurchaseSpec, planFields } from "./github/marketplace.js";
import { deliverWebhook, webhookExamples, webhookFixture } from "./webhooks.js";

/**
 * The test listing's plans, as GitHub describes them: the first four are src/marketplace/plans.ts's
 * catalogue (same ids), the last is a plan the catalogue does not know.
 */
export const LISTING = {
  free: { id: 7345, name: "Free", priceModel: "FREE" },
  starter: { id: 7346, name: "Starter", priceModel: "FLAT_RATE", monthlyPriceInCents: 900, hasFreeTrial: true },
  team: { id: 7347, name: "Team", priceModel: "FLAT_RATE", monthlyPriceInCents: 2900, hasFreeTrial: true },
  organization: {
    id: 7348,
    name: "Organization",
    priceModel: "PER_UNIT",
    monthlyPriceInCents: 1500,
    unitName: "seat pack",
  },
  unknown: { id: 7399, name: "Legacy Pro", priceModel: "FLAT_RATE", monthlyPriceInCents: 4900 },
} as const satisfies Record<string, ListingPlanSpec>;

export type PurchaseAction = "purchased" | "changed" | "cancelled" | "pending_change" | "pending_change_cancelled";

export interface PurchaseWebhookSpec extends MarketplacePurchaseSpec {
  action: PurchaseAction;
  effectiveDate: string;
  /** previous_marketplace_purchase's plan and units (changed, pending_change); omitted: the payload has none. */
  previous?: { plan: ListingPlanSpec; unitCount?: number | null };
}

/** A plan as a marketplace_purchase payload carries it (no url, number or state), from GitHub's example. */
function webhookPlanJson(base: Json, spec: ListingPlanSpec): Json {
  return { ...base, ...planFields(spec) };
}

function purchaseJson(
  base: Json & { plan: Json; account: Json },
  account: AccountSpec,
  plan: ListingPlanSpec,
  fields: Json,
): Json {
  return {
    ...base,
    account: {
      ...base.account,
      id: account.id,
      login: account.login,
      type: account.type ?? "Organization",
      organization_billing_email: `billing@${account.login}.example`,
    },
    plan: webhookPlanJson(base.plan, plan),
    ...fields,
  };
}

/** A marketplace_purchase payload in GitHub's shape (its example for the action), with our account, plan, units and dates. */
export function purchaseWebhook(spec: PurchaseWebhookSpec): Json {
  const base =
    spec.action === "pending_change" || spec.action === "pending_change_cancelled"
      ? webhookFixture(`marketplace_purchase.${spec.action}`)
      : webhookExamples("marketplace_purchase").find((example) => example.action === spec.action)!;
  const purchase = base.marketplace_purchase as Json & { plan: Json; account: Json };
  const payload: Json = {
    ...base,
    action: spec.action,
    effective_date: spec.effectiveDate,
    marketplace_purchase: purchaseJson(purchase, spec.account, spec.plan, {
      billing_cycle: spec.billingCycle ?? "monthly",
      unit_count: spec.unitCount ?? 1,
      on_free_trial: spec.onFreeTrial ?? false,
      free_trial_ends_on: spec.freeTrialEndsOn ?? null,
      next_billing_date: spec.nextBillingDate === undefined ? "2026-12-01T00:00:00+00:00" : spec.nextBillingDate,
    }),
  };
  if (spec.previous) {
    payload.previous_marketplace_purchase = purchaseJson(purchase, spec.account, spec.previous.plan, {
      unit_count: spec.previous.unitCount ?? 1,
    });
  } else {
    delete payload.previous_marketplace_purchase;
  }
  return payload;
}

/** Delivers the payload to the Marketplace endpoint, signed with the listing's secret, and expects GitHub's 2xx. */
export async function deliverPurchase(baseUrl: string, spec: PurchaseWebhookSpec): Promise<void> {
  const response = await deliverWebhook(baseUrl, {
    event: "marketplace_purchase",
    payload: purchaseWebhook(spec),
    endpoint: "marketplace",
  });
  expect(response.status, response.body).toBe(200);
}
