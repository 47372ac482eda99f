import type { MarketplaceAccountDoc, MarketplacePlan } from "../models/marketplace-account.js";

/**
 * Which Marketplace purchase is in force at an instant, from the stored account, following
 * GitHub's rules (docs.github.com, "Using the GitHub Marketplace API in your app"):
 *
 * - purchases and upgrades take effect at once: GitHub sends them when made, and they are stored
 *   as they arrive;
 * - a downgrade or cancellation is announced by `pending_change` and takes effect at its
 *   `effective_date`: the stored pending change applies from that instant whether or not the
 *   `changed`/`cancelled` webhook that follows ever arrives (worked out here, at read time, not
 *   by a timer); `pending_change_cancelled` removes it;
 * - `cancelled` ends the plan at its effective date (at once for a free trial);
 * - a free trial that reaches `free_trial_ends_on` with no cancellation becomes the paid plan it
 *   is a trial of: GitHub bills it and sends `changed` (its docs: "When a customer's free trial
 *   expires, upgrade the customer to the paid version of the free-trial plan"). So a trial's end
 *   keeps the plan and only stops calling it a trial.
 */
export type PurchaseInForce =
  | { state: "none" }
  | { state: "ended"; plan: MarketplacePlan; endedOn: Date }
  | {
      state: "active";
      plan: MarketplacePlan;
      unitCount: number | null;
      billingCycle: string | null;
      /** Set while the free trial runs (before free_trial_ends_on). */
      trialEndsOn: Date | null;
      /** A change still to come (a downgrade, or a cancellation) and when. */
      pendingChange: { plan: MarketplacePlan; unitCount: number | null; effectiveDate: Date } | null;
      /** A cancellation already recorded that takes effect later. */
      endsOn: Date | null;
    };

type StoredAccount = Pick<
  MarketplaceAccountDoc,
  "plan" | "unitCount" | "billingCycle" | "onFreeTrial" | "freeTrialEndsOn" | "pendingChange" | "cancelledAt"
>;

export function purchaseInForce(account: StoredAccount | null, at: Date): PurchaseInForce {
  if (!account?.plan) return { state: "none" };
  const { plan, cancelledAt, pendingChange } = account;
  if (cancelledAt && cancelledAt <= at) return { state: "ended", plan, endedOn: cancelledAt };
  if (pendingChange && pendingChange.effectiveDate <= at) {
    // The downgrade is in force even if GitHub's `changed` webhook never came; a trial does not outlive a change.
    return {
      state: "active",
      plan: pendingChange.plan,
      unitCount: pendingChange.unitCount ?? account.unitCount ?? null,
      billingCycle: pendingChange.billingCycle ?? account.billingCycle ?? null,
      trialEndsOn: null,
      pendingChange: null,
      endsOn: cancelledAt ?? null,
    };
  }
  const trialEndsOn =
    account.onFreeTrial && account.freeTrialEndsOn && account.freeTrialEndsOn > at ? account.freeTrialEndsOn : null;
  return {
    state: "active",
    plan,
    unitCount: account.unitCount ?? null,
    billingCycle: account.billingCycle ?? null,
    trialEndsOn,
    pendingChange: pendingChange
      ? {
          plan: pendingChange.plan,
          unitCount: pendingChange.unitCount ?? null,
          effectiveDate: pendingChange.effectiveDate,
        }
      : null,
    endsOn: cancelledAt ?? null,
  };
}
