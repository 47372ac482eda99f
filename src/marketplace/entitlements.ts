import type { Logger } from "pino";
import type { AppConfig } from "../config/env.js";
import {
  allowsMoreRepos,
  FREE_LIMITS,
  PLAN_CATALOGUE,
  planAllowingMoreRepos,
  type PlanFeatures,
  type PriceModel,
} from "./plans.js";
import type { Models } from "../models/index.js";
import type { MarketplacePlan } from "../models/marketplace-account.js";
import { findGitHubConnection } from "../installations/organization-connection.js";
import { purchaseInForce } from "./plan-in-force.js";

export type RepoAllowance = { allowed: true } | { allowed: false; reason: string; upgradeUrl: string | null };

/** An organization's plan at one instant: what it is, what it allows, what it uses, and what is coming. */
export interface PlanDescription {
  organizationId: string;
  at: Date;
  /** "purchase": a Marketplace plan is in force; "none": never bought; "ended": cancelled (the free limits apply). */
  source: "purchase" | "none" | "ended";
  /** The GitHub account whose purchase counts: the one the organization's installation is on. */
  account: { id: number; login: string | null } | null;
  plan: { id: number | null; name: string; priceModel: PriceModel; inCatalogue: boolean };
  limits: { maxRepos: number | null; seats: number | null; features: Readonly<PlanFeatures> };
  usage: { repos: number };
  unitCount: number | null;
  billingCycle: string | null;
  /** While a free trial runs. */
  trialEndsOn: Date | null;
  /** A downgrade or cancellation GitHub announced, and when it takes effect. */
  pendingChange: { planName: string; effectiveDate: Date } | null;
  /** A cancellation recorded for later. */
  endsOn: Date | null;
  /** When the cancelled plan ended (source "ended"). */
  endedOn: Date | null;
  /** The smallest catalogue plan allowing more repos than both the limit and the usage; null without a limit or when none does. */
  upgrade: { name: string; maxRepos: number | null } | null;
}

/** What repo creation asks. */
export type RepoEntitlements = Pick<Entitlements, "mayCreateRepo">;

export interface Entitlements {
  /** Whether the app may create one more repository for the organization at `at`. Nothing is ever deleted for being over a limit. */
  mayCreateRepo(organizationId: string, at: Date): Promise<RepoAllowance>;
  describe(organizationId: string, at: Date): Promise<PlanDescription>;
}

export interface EntitlementsDeps {
  models: Models;
  config: AppConfig;
  /** Warns (once per plan id) about a plan the catalogue does not know. */
  log?: Logger;
}

function repos(count: number): string {
  return `${count} ${count === 1 ? "repo" : "repos"}`;
}

/** Why no repo can be created at or over the limit, naming the plan that allows more (the refusal and the settings page say the same). */
export function repoLimitReason(description: PlanDescription): string {
  const max = description.limits.maxRepos ?? 0;
  const used = description.usage.repos;
  const parts = [`The ${description.plan.name} plan allows ${repos(max)} and your organization has ${used}.`];
  if (used > max) parts.push(`Nothing was deleted, but no repo can be created until there are fewer than ${max}.`);
  const upgrade = description.upgrade;
  if (!upgrade) parts.push("No plan allows more.");
  else
    parts.push(
      `The ${upgrade.name} plan allows ${upgrade.maxRepos === null ? "unlimited repos" : repos(upgrade.maxRepos)}.`,
    );
  return parts.join(" ");
}

export function createEntitlements(deps: EntitlementsDeps): Entitlements {
  const { models, config, log } = deps;
  const warned = new Set<number>();

  /** The catalogue's entry for a purchased plan; a plan it does not know gets the free limits (never more than is paid for). */
  function limitsOf(plan: MarketplacePlan, unitCount: number | null, organizationId: string) {
    const known = PLAN_CATALOGUE.get(plan.id);
    if (known) {
      const seats = known.priceModel === "PER_UNIT" ? (unitCount ?? 0) * known.seatsPerUnit : null;
      return { name: known.name, inCatalogue: true, maxRepos: known.maxRepos, seats, features: known.features };
    }
    if (!warned.has(plan.id)) {
      warned.add(plan.id);
      log?.warn(
        { planId: plan.id, planName: plan.name, priceModel: plan.priceModel, organizationId },
        "Marketplace plan not in src/marketplace/plans.ts: the free limits apply until it is added",
      );
    }
    // By price model: a per-unit plan still counts its units as seats (one each); every unknown plan gets the free limits.
    const seats = plan.priceModel === "PER_UNIT" ? (unitCount ?? 0) : null;
    return {
      name: plan.name,
      inCatalogue: false,
      maxRepos: FREE_LIMITS.maxRepos,
      seats,
      features: FREE_LIMITS.features,
    };
  }

  async function describe(organizationId: string, at: Date): Promise<PlanDescription> {
    const [connection, repoCount] = await Promise.all([
      findGitHubConnection(models, organizationId),
      models.Repo.countDocuments({ organizationId }),
    ]);
    const accountId = connection.installation?.accountId ?? null;
    const stored = accountId === null ? null : await models.MarketplaceAccount.findOne({ accountId }).lean();
    const inForce = purchaseInForce(stored, at);
    const base = {
      organizationId,
      at,
      account:
        accountId === null
          ? null
          : { id: accountId, login: stored?.accountLogin ?? connection.installation?.accountLogin ?? null },
      usage: { repos: repoCount },
    };
    let description: PlanDescription;
    if (inForce.state === "active") {
      const limits = limitsOf(inForce.plan, inForce.unitCount, organizationId);
      const pending = inForce.pendingChange;
      description = {
        ...base,
        source: "purchase",
        plan: {
          id: inForce.plan.id,
          name: limits.name,
          priceModel: inForce.plan.priceModel,
          inCatalogue: limits.inCatalogue,
        },
        limits: { maxRepos: limits.maxRepos, seats: limits.seats, features: limits.features },
        unitCount: inForce.unitCount,
        billingCycle: inForce.billingCycle,
        trialEndsOn: inForce.trialEndsOn,
        pendingChange: pending
          ? {
              planName: PLAN_CATALOGUE.get(pending.plan.id)?.name ?? pending.plan.name,
              effectiveDate: pending.effectiveDate,
            }
          : null,
        endsOn: inForce.endsOn,
        endedOn: null,
        upgrade: null,
      };
    } else {
      description = {
        ...base,
        source: inForce.state === "ended" ? "ended" : "none",
        plan: { id: null, name: FREE_LIMITS.name, priceModel: "FREE", inCatalogue: true },
        limits: { maxRepos: FREE_LIMITS.maxRepos, seats: null, features: FREE_LIMITS.features },
        unitCount: null,
        billingCycle: null,
        trialEndsOn: null,
        pendingChange: null,
        endsOn: null,
        endedOn: inForce.state === "ended" ? inForce.endedOn : null,
        upgrade: null,
      };
    }
    const max = description.limits.maxRepos;
    if (max !== null) {
      const next = planAllowingMoreRepos(Math.max(max, repoCount));
      description.upgrade = next ? { name: next.name, maxRepos: next.maxRepos } : null;
    }
    return description;
  }

  return {
    describe,
    async mayCreateRepo(organizationId, at) {
      const description = await describe(organizationId, at);
      if (allowsMoreRepos(description.limits.maxRepos, description.usage.repos)) return { allowed: true };
      return { allowed: false, reason: repoLimitReason(description), upgradeUrl: config.marketplace.listingUrl };
    },
  };
}
