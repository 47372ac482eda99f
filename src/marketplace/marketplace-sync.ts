import type { Logger } from "pino";
import { statusOf } from "../lib/error-details.js";
import { readMarketplaceAccount } from "../github/marketplace-purchase.js";
import type { Models } from "../models/index.js";
import type { MarketplacePlan } from "../models/marketplace-account.js";
import type { MarketplaceApi } from "./marketplace-api.js";
import { endAccountPurchase, storeAccountState, type StoreOutcome } from "./purchases.js";

/**
 * GitHub's Marketplace API as the source of truth for stored plans: refreshed for one account
 * when an organization links an installation, and checked for every account by the reconcile job.
 */
export interface MarketplaceSyncDeps {
  models: Models;
  now: () => Date;
  api: MarketplaceApi;
  log: Logger;
}

/** What refreshing one account did; "failed" was logged (one line) and changed nothing. */
export type RefreshOutcome = StoreOutcome | "failed";

/**
 * Refreshes the stored purchase of the account an organization just linked. Never throws: a
 * failure leaves the stored plan as it was (the reconcile job checks again) and logs one line.
 */
export async function refreshMarketplaceAccount(
  deps: MarketplaceSyncDeps,
  accountId: number,
  log: Logger = deps.log,
): Promise<RefreshOutcome> {
  try {
    // Asked once: the admin's redirect or GitHub's 10 s for the webhook waits on it, and the next check asks again.
    const state = await deps.api.getAccount(accountId, { retry: false });
    // The stubbed endpoint answers GitHub's fixed example account whatever the id: keep it under the id asked about.
    const outcome = state
      ? await storeAccountState(deps, { ...state, accountId }, "link")
      : await endAccountPurchase(deps, accountId, "link");
    log.debug({ accountId, outcome, stubbed: deps.api.stubbed }, "Marketplace plan refreshed from GitHub");
    return outcome;
  } catch (error) {
    log.warn(
      { accountId, status: statusOf(error), error: (error as Error).message },
      "Marketplace plan not refreshed from GitHub at link; the stored plan stands until the next check",
    );
    return "failed";
  }
}

/** Refreshes one account's stored purchase from GitHub; never throws. Handed to the link flow. */
export type MarketplaceRefresh = (accountId: number, log?: Logger) => Promise<RefreshOutcome>;

export function marketplaceRefresh(deps: MarketplaceSyncDeps): MarketplaceRefresh {
  return (accountId, log) => refreshMarketplaceAccount(deps, accountId, log);
}

/** How much of GitHub's rate limit one check may spend. */
export interface MarketplaceCheckBudget {
  /** API calls at most (each page of plans or accounts, each single account). */
  maxCalls: number;
}

export interface MarketplaceCheckResult {
  /** Accounts compared with GitHub. */
  checked: number;
  /** Stored plans that had drifted and were corrected (each an AuditEvent `marketplace.corrected`). */
  corrected: number;
  calls: number;
  /** False when the budget ran out or GitHub failed before every plan was read (logged); corrections made stand. */
  complete: boolean;
}

/**
 * The reconcile job's Marketplace step: every plan of the listing (`GET /marketplace_listing/plans`)
 * and every account on it (`GET /marketplace_listing/plans/{plan_id}/accounts`, 100 a page),
 * correcting stored plans that drifted (a lost webhook). Once every plan was read, stored plans
 * still in force that GitHub listed nowhere are asked about one by one
 * (`GET /marketplace_listing/accounts/{id}`), and end when GitHub answers 404. That last step is
 * skipped with MARKETPLACE_STUBBED (GitHub's fixed test data lists none of our accounts).
 */
export async function checkMarketplacePlans(
  deps: MarketplaceSyncDeps,
  budget: MarketplaceCheckBudget,
): Promise<MarketplaceCheckResult> {
  const { api, log } = deps;
  const result: MarketplaceCheckResult = { checked: 0, corrected: 0, calls: 0, complete: false };
  const spend = () => {
    if (result.calls >= budget.maxCalls) return false;
    result.calls++;
    return true;
  };
  const count = (outcome: StoreOutcome) => {
    result.checked++;
    if (outcome === "corrected") result.corrected++;
  };
  const seen = new Set<number>();
  try {
    const plans: MarketplacePlan[] = [];
    for (let page = 1, more = true; more; page++) {
      if (!spend()) return stopped(result, log, "budget");
      const answer = await api.planPage(page);
      plans.push(...answer.items);
      more = answer.hasNext;
    }
    for (const plan of plans) {
      for (let page = 1, more = true; more; page++) {
        if (!spend()) return stopped(result, log, "budget");
        const answer = await api.accountPage(plan.id, page);
        for (const raw of answer.items) {
          let state;
          try {
            state = readMarketplaceAccount(raw, plan);
          } catch (error) {
            log.warn(
              { planId: plan.id, error: (error as Error).message },
              "Marketplace account GitHub listed cannot be read; skipped",
            );
            continue;
          }
          seen.add(state.accountId);
          count(await storeAccountState(deps, state, "reconcile"));
        }
        more = answer.hasNext;
      }
    }
    if (!api.stubbed && plans.length > 0) {
      const now = deps.now();
      const inForce = await deps.models.MarketplaceAccount.find(
        { plan: { $ne: null }, $or: [{ cancelledAt: null }, { cancelledAt: { $gt: now } }] },
        { accountId: 1 },
      ).lean();
      for (const { accountId } of inForce.filter((account) => !seen.has(account.accountId))) {
        if (!spend()) return stopped(result, log, "budget");
        const state = await api.getAccount(accountId);
        count(
          state
            ? await storeAccountState(deps, state, "reconcile")
            : await endAccountPurchase(deps, accountId, "reconcile"),
        );
      }
    }
  } catch (error) {
    // No listing (the App was never listed, or its listing is gone): nothing to check, quietly.
    if (statusOf(error) === 404 && result.calls === 1) {
      log.debug("GitHub has no Marketplace listing for this App (404 on its plans); plans not checked");
      result.complete = true;
      return result;
    }
    return stopped(result, log, "github", error);
  }
  result.complete = true;
  return result;
}

function stopped(
  result: MarketplaceCheckResult,
  log: Logger,
  why: "budget" | "github",
  error?: unknown,
): MarketplaceCheckResult {
  if (why === "budget") log.info({ ...result }, "Marketplace check stopped at its budget; the next run starts again");
  else
    log.warn(
      { ...result, status: statusOf(error), error: (error as Error).message },
      "Marketplace check stopped: GitHub failed",
    );
  return result;
}
