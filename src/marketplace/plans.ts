/**
 * The plan catalogue: what each plan of the GitHub Marketplace listing entitles an organization
 * to, keyed by the listing's plan ids (`GET /marketplace_listing/plans` shows them). Typed
 * configuration in the repo, not a collection: a change here is a reviewed commit. docs/marketplace-and-plans.md
 * lists the same plans (a test keeps them together).
 */

export type PriceModel = "FREE" | "FLAT_RATE" | "PER_UNIT";

/** Capabilities a plan switches on. */
export interface PlanFeatures {
  /** The app may create private repositories (otherwise public only). */
  privateRepos: boolean;
}

interface PlanBase {
  name: string;
  /** How many repositories the app may have created for the organization; null: no limit. */
  maxRepos: number | null;
  features: Readonly<PlanFeatures>;
}

/** A plan as the catalogue knows it; a PER_UNIT plan says how many seats each unit bought gives. */
export type CataloguePlan = PlanBase &
  ({ priceModel: "FREE" | "FLAT_RATE" } | { priceModel: "PER_UNIT"; seatsPerUnit: number });

/** What an organization gets with no Marketplace purchase (never bought, or cancelled), and what a plan the catalogue does not know gets. */
export const FREE_LIMITS: CataloguePlan = {
  name: "Free",
  priceModel: "FREE",
  maxRepos: 3,
  features: { privateRepos: false },
};

/** The listing's plans by plan id. */
export const PLAN_CATALOGUE: ReadonlyMap<number, CataloguePlan> = new Map<number, CataloguePlan>([
  [7345, { ...FREE_LIMITS }],
  [7346, { name: "Starter", priceModel: "FLAT_RATE", maxRepos: 5, features: { privateRepos: true } }],
  [7347, { name: "Team", priceModel: "FLAT_RATE", maxRepos: 25, features: { privateRepos: true } }],
  [
    7348,
    { name: "Organization", priceModel: "PER_UNIT", seatsPerUnit: 5, maxRepos: null, features: { privateRepos: true } },
  ],
]);

/** Repo limits compare with null as "no limit". */
export function allowsMoreRepos(maxRepos: number | null, than: number): boolean {
  return maxRepos === null || maxRepos > than;
}

/**
 * The catalogue's plan that allows more repositories than `repos`, with the smallest limit (the
 * cheapest step up); null when no plan does.
 */
export function planAllowingMoreRepos(
  repos: number,
  catalogue: ReadonlyMap<number, CataloguePlan> = PLAN_CATALOGUE,
): CataloguePlan | null {
  const larger = [...catalogue.values()].filter((plan) => allowsMoreRepos(plan.maxRepos, repos));
  larger.sort((a, b) => (a.maxRepos ?? Infinity) - (b.maxRepos ?? Infinity));
  return larger[0] ?? null;
}
