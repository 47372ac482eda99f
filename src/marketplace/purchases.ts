import { conditionalUpsert } from "../db/conditional-upsert.js";
import { isDuplicateKeyError } from "../db/duplicate-key.js";
import type { MarketplaceAccountState } from "../github/marketplace-purchase.js";
import type { Models } from "../models/index.js";
import type { MarketplaceAccountDoc } from "../models/marketplace-account.js";
import { recordAudit } from "../events/audit-log.js";
import { planData } from "../events/event-data.js";
import { type NewEvent, recordEvent } from "../events/event-log.js";

/**
 * The one writer of MarketplaceAccount: webhooks apply events here, the link refresh and the
 * reconcile job store GitHub's answers here. One staleness rule: a write never lands on state
 * newer than what it knows. An event knows its effective date (an older one is refused); an
 * API answer knows the document it read (its updatedAt: anything written since wins).
 *
 * Brings a stored MarketplaceAccount in line with what GitHub's Marketplace API says, and records
 * an AuditEvent (`marketplace.corrected`) when what it entitles to had drifted: the plan, the
 * units, the billing cycle, the trial, the pending change, or whether it has ended.
 *
 * A write only lands on the document as it was read (its updatedAt): a webhook applied meanwhile
 * is newer than our answer and wins; the next check looks again.
 */
export type StoreOutcome = "unchanged" | "corrected" | "raced";

export type CorrectionSource = "link" | "reconcile";

interface StoreDeps {
  models: Models;
  now: () => Date;
}

/** What a purchase entitles to, compared between our copy and GitHub's (next billing date and login left out). */
interface Essence {
  planId: number | null;
  unitCount: number | null;
  billingCycle: string | null;
  onFreeTrial: boolean;
  freeTrialEndsOn: string | null;
  pendingPlanId: number | null;
  pendingUnitCount: number | null;
  pendingEffectiveDate: string | null;
  ended: boolean;
}

type StoredAccount = MarketplaceAccountDoc & { updatedAt?: Date };

/** Units count only on a per-unit plan: for the others GitHub's webhooks say 1 where its API says null. */
function unitsOf(plan: { priceModel: string } | null | undefined, unitCount: number | null | undefined): number | null {
  return plan?.priceModel === "PER_UNIT" ? (unitCount ?? null) : null;
}

function storedEssence(doc: StoredAccount, at: Date): Essence {
  return {
    planId: doc.plan?.id ?? null,
    unitCount: unitsOf(doc.plan, doc.unitCount),
    billingCycle: doc.billingCycle ?? null,
    onFreeTrial: doc.onFreeTrial ?? false,
    freeTrialEndsOn: doc.freeTrialEndsOn?.toISOString() ?? null,
    pendingPlanId: doc.pendingChange?.plan.id ?? null,
    pendingUnitCount: unitsOf(doc.pendingChange?.plan, doc.pendingChange?.unitCount),
    pendingEffectiveDate: doc.pendingChange?.effectiveDate.toISOString() ?? null,
    ended: !doc.plan || (doc.cancelledAt != null && doc.cancelledAt <= at),
  };
}

function gitHubEssence(state: MarketplaceAccountState): Essence {
  return {
    planId: state.plan.id,
    unitCount: unitsOf(state.plan, state.unitCount),
    billingCycle: state.billingCycle,
    onFreeTrial: state.onFreeTrial,
    freeTrialEndsOn: state.freeTrialEndsOn?.toISOString() ?? null,
    pendingPlanId: state.pendingChange?.plan.id ?? null,
    pendingUnitCount: unitsOf(state.pendingChange?.plan, state.pendingChange?.unitCount),
    pendingEffectiveDate: state.pendingChange?.effectiveDate.toISOString() ?? null,
    ended: false,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type PlanRef = { id: number; name: string } | null;

/**
 * The event a correction makes, if it changed what a service cares for: the plan in force (its
 * id, its units, or its end) is plan.changed; otherwise a pending change appearing or going is
 * plan.change_scheduled or plan.change_cancelled; a billing cycle or trial alone makes none.
 */
function correctionEvent(
  from: Essence | null,
  to: Essence,
  plan: PlanRef,
  pending: PlanRef,
  at: Date,
): Pick<NewEvent, "type" | "data"> | null {
  const base = { source: "correction" };
  if (!from || from.planId !== to.planId || from.unitCount !== to.unitCount || from.ended !== to.ended) {
    return {
      type: "plan.changed",
      data: { ...base, plan: planData(to.ended ? null : plan), effectiveAt: at.toISOString() },
    };
  }
  if (from.pendingPlanId !== to.pendingPlanId || from.pendingEffectiveDate !== to.pendingEffectiveDate) {
    if (to.pendingPlanId === null || to.pendingEffectiveDate === null)
      return { type: "plan.change_cancelled", data: { ...base, plan: planData(plan), effectiveAt: at.toISOString() } };
    return {
      type: "plan.change_scheduled",
      data: { ...base, plan: planData(pending), effectiveAt: to.pendingEffectiveDate },
    };
  }
  return null;
}

async function recordCorrection(
  deps: StoreDeps,
  accountId: number,
  source: CorrectionSource,
  from: Essence | null,
  to: Essence,
  plans: { plan: PlanRef; pending: PlanRef },
): Promise<void> {
  const linked = await deps.models.GitHubInstallation.findOne({ accountId, deletedAt: null }).lean();
  const at = deps.now();
  const event = correctionEvent(from, to, plans.plan, plans.pending, at);
  if (event) {
    await recordEvent(deps.models, at, {
      type: event.type,
      organizationId: linked?.organizationId,
      data: { accountId, ...event.data },
    });
  }
  await recordAudit(deps.models, at, {
    organizationId: linked?.organizationId,
    actor: "system",
    action: "marketplace.corrected",
    details: { accountId, source, from, to },
  });
}

/** Stores GitHub's description of an account with a purchase. */
export async function storeAccountState(
  deps: StoreDeps,
  state: MarketplaceAccountState,
  source: CorrectionSource,
): Promise<StoreOutcome> {
  const { models } = deps;
  const at = deps.now();
  const stored = (await models.MarketplaceAccount.findOne({
    accountId: state.accountId,
  }).lean()) as StoredAccount | null;
  const fields = {
    accountLogin: state.accountLogin,
    accountType: state.accountType,
    plan: state.plan,
    billingCycle: state.billingCycle,
    unitCount: state.unitCount,
    onFreeTrial: state.onFreeTrial,
    freeTrialEndsOn: state.freeTrialEndsOn,
    nextBillingDate: state.nextBillingDate,
    pendingChange: state.pendingChange,
    // GitHub lists the purchase, so it has not ended; a cancellation recorded for later still stands.
    cancelledAt: stored?.cancelledAt && stored.cancelledAt > at ? stored.cancelledAt : null,
  };
  const before = stored ? storedEssence(stored, at) : null;
  const after = gitHubEssence(state);
  const drifted = !before || !same(before, after);
  const otherwiseStale =
    stored !== null &&
    (stored.accountLogin !== state.accountLogin ||
      stored.nextBillingDate?.getTime() !== state.nextBillingDate?.getTime() ||
      !same(stored.plan, state.plan));
  if (!drifted && !otherwiseStale) return "unchanged";

  if (stored) {
    const result = await models.MarketplaceAccount.updateOne(
      { accountId: state.accountId, updatedAt: stored.updatedAt },
      { $set: fields },
    );
    if (result.matchedCount === 0) return "raced";
  } else {
    try {
      const result = await models.MarketplaceAccount.updateOne(
        { accountId: state.accountId },
        { $setOnInsert: { accountId: state.accountId, ...fields } },
        { upsert: true },
      );
      if (result.upsertedCount === 0) return "raced";
    } catch (error) {
      if (isDuplicateKeyError(error)) return "raced";
      throw error;
    }
  }
  if (!drifted) return "unchanged";
  await recordCorrection(deps, state.accountId, source, before, after, {
    plan: state.plan,
    pending: state.pendingChange?.plan ?? null,
  });
  return "corrected";
}

/** The account was renamed on GitHub: a purchase stored for it (perhaps before any installation) takes the new login. */
export async function renameMarketplaceAccount(models: Models, accountId: number, login: string): Promise<void> {
  await models.MarketplaceAccount.updateOne({ accountId }, { $set: { accountLogin: login } });
}

/** GitHub has no purchase for the account (404): a stored plan still in force ends now. */
export async function endAccountPurchase(
  deps: StoreDeps,
  accountId: number,
  source: CorrectionSource,
): Promise<StoreOutcome> {
  const at = deps.now();
  const stored = (await deps.models.MarketplaceAccount.findOne({ accountId }).lean()) as StoredAccount | null;
  if (!stored) return "unchanged";
  const before = storedEssence(stored, at);
  if (before.ended) return "unchanged";
  const result = await deps.models.MarketplaceAccount.updateOne(
    { accountId, updatedAt: stored.updatedAt },
    { $set: { cancelledAt: at, pendingChange: null } },
  );
  if (result.matchedCount === 0) return "raced";
  await recordCorrection(
    deps,
    accountId,
    source,
    before,
    {
      ...before,
      pendingPlanId: null,
      pendingUnitCount: null,
      pendingEffectiveDate: null,
      ended: true,
    },
    { plan: stored.plan ?? null, pending: null },
  );
  return "corrected";
}

export type PurchaseAction = "purchased" | "changed" | "cancelled" | "pending_change" | "pending_change_cancelled";

/** A marketplace_purchase event, read from its payload. */
export interface PurchaseEvent extends Omit<MarketplaceAccountState, "pendingChange"> {
  action: PurchaseAction;
  /** effective_date, or the delivery's time when the payload has none. */
  effectiveAt: Date;
  actor: string;
}

/**
 * Applies a marketplace_purchase event in one conditional upsert, with its audit entry: the account
 * is created if this is the first event about it (a pending change can come first), and updated
 * only where the event is not older than the stored state. "stale" when it was refused.
 */
export async function applyPurchaseEvent(deps: StoreDeps, event: PurchaseEvent): Promise<"applied" | "stale"> {
  const { models } = deps;
  const { action, accountId, plan, effectiveAt } = event;
  let set: Record<string, unknown>;
  let guard: Record<string, unknown>;
  if (action === "pending_change") {
    set = {
      pendingChange: { plan, unitCount: event.unitCount, billingCycle: event.billingCycle, effectiveDate: effectiveAt },
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
      billingCycle: event.billingCycle,
      unitCount: event.unitCount,
      onFreeTrial: event.onFreeTrial,
      freeTrialEndsOn: event.freeTrialEndsOn,
      nextBillingDate: event.nextBillingDate,
      cancelledAt: action === "cancelled" ? effectiveAt : null,
      pendingChange: null,
      planEffectiveAt: effectiveAt,
    };
    // Purchases and upgrades arrive at once, downgrades when they take effect: the newest effective date wins.
    guard = { $or: [{ planEffectiveAt: null }, { planEffectiveAt: { $lte: effectiveAt } }] };
  }
  const identity = { accountLogin: event.accountLogin, accountType: event.accountType };
  const updated = await conditionalUpsert(
    models.MarketplaceAccount,
    { accountId, ...guard },
    { $set: { ...identity, ...set, lastAction: action } },
  );
  if (!updated) return "stale";
  const linked = await models.GitHubInstallation.findOne({ accountId, deletedAt: null }, { organizationId: 1 }).lean();
  const at = deps.now();
  await recordEvent(models, at, {
    type:
      action === "pending_change"
        ? "plan.change_scheduled"
        : action === "pending_change_cancelled"
          ? "plan.change_cancelled"
          : "plan.changed",
    organizationId: linked?.organizationId,
    data: {
      accountId,
      source: "marketplace_purchase",
      // A cancellation leaves no plan in force: the free limits apply.
      plan: planData(action === "cancelled" ? null : plan),
      unitCount: event.unitCount ?? null,
      effectiveAt: effectiveAt.toISOString(),
    },
  });
  await recordAudit(models, at, {
    organizationId: linked?.organizationId,
    actor: event.actor,
    action: `marketplace_purchase.${action}`,
    details: {
      accountId,
      plan: plan.name,
      planId: plan.id,
      unitCount: event.unitCount,
      effectiveDate: effectiveAt.toISOString(),
    },
  });
  return "applied";
}
