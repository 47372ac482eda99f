import { allowsMoreRepos } from "../../marketplace/plans.js";
import { repoLimitReason, type PlanDescription } from "../../marketplace/entitlements.js";
import { dateView, type DateView } from "./settings-view-model.js";

/** What views/partials/plan.ejs shows; every word and URL is decided here. */
export interface PlanView {
  name: string;
  /** "3 of 5 repos", or "3 repos, no limit". */
  usageText: string;
  /** "10 seats" for a per-unit plan. */
  seatsText: string | null;
  trialEndsOn: DateView | null;
  /** A downgrade or cancellation GitHub announced: the plan it becomes and when. */
  pendingChange: { planName: string; on: DateView } | null;
  /** A cancellation that takes effect later. */
  endsOn: DateView | null;
  /** Why the free plan applies (no purchase, or a cancelled one), or null when a purchase is in force. */
  freeReason: string | null;
  /** At or over the repo limit: what that means and which plan allows more. */
  limitNotice: { text: string; className: "notice" | "notice notice-warn" } | null;
  /** Admins only, with MARKETPLACE_LISTING_URL set. */
  changePlanUrl: string | null;
}

export interface PlanViewInput {
  canManage: boolean;
  /** MARKETPLACE_LISTING_URL, or null. */
  listingUrl: string | null;
}

function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

function usageText(description: PlanDescription): string {
  const { maxRepos } = description.limits;
  const used = description.usage.repos;
  return maxRepos === null ? `${count(used, "repo")}, no limit` : `${used} of ${count(maxRepos, "repo")}`;
}

function freeReason(description: PlanDescription): PlanView["freeReason"] {
  if (description.source === "none") return "No GitHub Marketplace purchase: the free plan applies.";
  if (description.source === "ended")
    return `The GitHub Marketplace plan ended on ${dateView(description.endedOn)!.text}: the free plan applies.`;
  return null;
}

export function buildPlanView(description: PlanDescription, input: PlanViewInput): PlanView {
  const { maxRepos, seats } = description.limits;
  const atLimit = !allowsMoreRepos(maxRepos, description.usage.repos);
  return {
    name: description.plan.name,
    usageText: usageText(description),
    seatsText: seats === null ? null : count(seats, "seat"),
    trialEndsOn: dateView(description.trialEndsOn),
    pendingChange: description.pendingChange
      ? { planName: description.pendingChange.planName, on: dateView(description.pendingChange.effectiveDate)! }
      : null,
    endsOn: dateView(description.endsOn),
    freeReason: freeReason(description),
    limitNotice: atLimit
      ? {
          text: repoLimitReason(description),
          className: description.usage.repos > (maxRepos ?? Infinity) ? "notice notice-warn" : "notice",
        }
      : null,
    changePlanUrl: input.canManage ? input.listingUrl : null,
  };
}
