import nock from "nock";
import { documentedBody } from "../contract/openapi-responses.js";
import { githubFixture, type AccountSpec, type Json } from "./fixtures.js";
import { APP_JWT, errorBody, GITHUB_API, SERVER_ERROR } from "./rest.js";

/* The Marketplace API (src/marketplace/marketplace-api.ts): App JWT, or its /stubbed/ twin. */

export interface ListingPlanSpec {
  id: number;
  name: string;
  priceModel: "FREE" | "FLAT_RATE" | "PER_UNIT";
  monthlyPriceInCents?: number;
  unitName?: string | null;
  hasFreeTrial?: boolean;
}

export interface MarketplacePurchaseSpec {
  account: AccountSpec;
  plan: ListingPlanSpec;
  unitCount?: number | null;
  billingCycle?: "monthly" | "yearly";
  onFreeTrial?: boolean;
  freeTrialEndsOn?: string | null;
  nextBillingDate?: string | null;
  pendingChange?: { plan: ListingPlanSpec; effectiveDate: string; unitCount?: number | null } | null;
}

/** A plan as the Marketplace API describes it (`marketplace-listing-plan`), from GitHub's example with our ids, names and prices. */
export function listingPlanJson(spec: ListingPlanSpec): Json {
  const base = githubFixture<Json[]>("marketplace-listing-plans")[0]!;
  return {
    ...base,
    url: `${GITHUB_API}/marketplace_listing/plans/${spec.id}`,
    accounts_url: `${GITHUB_API}/marketplace_listing/plans/${spec.id}/accounts`,
    ...planFields(spec),
  };
}

/** The fields a plan has wherever GitHub shows it (the Marketplace API and marketplace_purchase payloads). */
export function planFields(spec: ListingPlanSpec): Json {
  const monthly = spec.monthlyPriceInCents ?? (spec.priceModel === "FREE" ? 0 : 1000);
  return {
    id: spec.id,
    name: spec.name,
    description: `${spec.name} plan`,
    monthly_price_in_cents: monthly,
    yearly_price_in_cents: monthly * 10,
    price_model: spec.priceModel,
    has_free_trial: spec.hasFreeTrial ?? false,
    unit_name: spec.unitName ?? null,
    bullets: [`${spec.name} plan`],
  };
}

/** An account as `GET /marketplace_listing/accounts/{id}` and `…/plans/{id}/accounts` describe it (`marketplace-purchase`). */
export function marketplaceAccountJson(spec: MarketplacePurchaseSpec): Json {
  const base = githubFixture<Json & { marketplace_purchase: Json }>("marketplace-account");
  const { account } = spec;
  const pending = spec.pendingChange;
  return {
    ...base,
    url: `${GITHUB_API}/${account.type === "User" ? "users" : "orgs"}/${account.login}`,
    type: account.type ?? "Organization",
    id: account.id,
    login: account.login,
    organization_billing_email: `billing@${account.login}.example`,
    email: `billing@${account.login}.example`,
    marketplace_pending_change: pending
      ? {
          effective_date: pending.effectiveDate,
          unit_count: pending.unitCount ?? null,
          id: 77,
          plan: listingPlanJson(pending.plan),
        }
      : null,
    marketplace_purchase: {
      ...base.marketplace_purchase,
      billing_cycle: spec.billingCycle ?? "monthly",
      next_billing_date: spec.nextBillingDate === undefined ? "2026-12-01T00:00:00Z" : spec.nextBillingDate,
      unit_count: spec.unitCount ?? null,
      on_free_trial: spec.onFreeTrial ?? false,
      free_trial_ends_on: spec.freeTrialEndsOn ?? null,
      updated_at: "2026-11-02T01:12:12Z",
      plan: listingPlanJson(spec.plan),
    },
  };
}

export interface MarketplaceNockOptions {
  /** MARKETPLACE_STUBBED=true: the /marketplace_listing/stubbed/… twin. */
  stubbed?: boolean;
  /** How many pages GitHub's Link header says there are, when only the first `pages` are expected to be asked for. */
  totalPages?: number;
}

function marketplacePath(path: string, options: MarketplaceNockOptions): string {
  return `/marketplace_listing${options.stubbed ? "/stubbed" : ""}${path}`;
}

/**
 * `GET /marketplace_listing/accounts/{id}` with the App's JWT: the account's purchase, 404 when
 * it has none (GitHub: "Not Found when the account has not purchased the listing"), or a 500.
 */
export function nockMarketplaceAccount(
  accountId: number,
  purchase: MarketplacePurchaseSpec | null | "server-error",
  options: MarketplaceNockOptions = {},
): nock.Scope {
  const operation = `GET ${marketplacePath("/accounts/{account_id}", options)}`;
  const scope = nock(GITHUB_API)
    .get(marketplacePath(`/accounts/${accountId}`, options))
    .matchHeader("authorization", APP_JWT);
  if (purchase === null)
    return scope.reply(
      404,
      errorBody(
        operation,
        404,
        "Not Found",
        "https://docs.github.com/rest/apps/marketplace#get-a-subscription-plan-for-an-account",
      ),
    );
  if (purchase === "server-error") return scope.reply(500, SERVER_ERROR);
  return scope.reply(200, documentedBody(operation, 200, marketplaceAccountJson(purchase)));
}

function pagedList<T>(
  scope: nock.Scope,
  operation: string,
  path: string,
  pages: T[][],
  json: (item: T) => Json,
  totalPages?: number,
): nock.Scope {
  const last = Math.max(totalPages ?? pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    const n = index + 1;
    const link: Record<string, string> =
      n >= last
        ? {}
        : {
            link: `<${GITHUB_API}${path}?per_page=100&page=${n + 1}>; rel="next", <${GITHUB_API}${path}?per_page=100&page=${last}>; rel="last"`,
          };
    scope
      .get(path)
      .query({ per_page: "100", page: String(n) })
      .reply(200, documentedBody(operation, 200, page.map(json)), link);
  });
  return scope;
}

/** `GET /marketplace_listing/plans`, 100 a page, with the App's JWT. */
export function nockMarketplacePlans(pages: ListingPlanSpec[][], options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", APP_JWT);
  return pagedList(
    scope,
    `GET ${marketplacePath("/plans", options)}`,
    marketplacePath("/plans", options),
    pages,
    listingPlanJson,
    options.totalPages,
  );
}

/** `GET /marketplace_listing/plans/{plan_id}/accounts`, 100 a page, with the App's JWT. */
export function nockMarketplacePlanAccounts(
  planId: number,
  pages: MarketplacePurchaseSpec[][],
  options: MarketplaceNockOptions = {},
): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", APP_JWT);
  return pagedList(
    scope,
    `GET ${marketplacePath("/plans/{plan_id}/accounts", options)}`,
    marketplacePath(`/plans/${planId}/accounts`, options),
    pages,
    marketplaceAccountJson,
    options.totalPages,
  );
}

/** `GET /marketplace_listing/plans` failing: 404 (the App has no listing) or 500. */
export function nockMarketplacePlansFailing(status: 404 | 500, options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API)
    .get(marketplacePath("/plans", options))
    .query(true)
    .matchHeader("authorization", APP_JWT);
  return status === 404
    ? scope.reply(
        404,
        errorBody(
          `GET ${marketplacePath("/plans", options)}`,
          404,
          "Not Found",
          "https://docs.github.com/rest/apps/marketplace#list-plans",
        ),
      )
    : scope.reply(500, SERVER_ERROR);
}
