import type { Probot } from "probot";
import { statusOf } from "../lib/error-details.js";
import {
  readMarketplaceAccount,
  readMarketplacePlan,
  type MarketplaceAccountState,
} from "../github/marketplace-purchase.js";
import type { Json } from "../github/payload.js";
import type { MarketplacePlan } from "../models/marketplace-account.js";

const MARKETPLACE_PAGE_SIZE = 100;

/** One page of a list, and whether GitHub's Link header names a next one (so the caller knows before asking). */
export interface Page<T> {
  items: T[];
  hasNext: boolean;
}

/**
 * GitHub's Marketplace API, the source of truth for plans, asked as the App (JWT from
 * `probot.auth()`). With `stubbed` every call goes to the `/marketplace_listing/stubbed/…` twin,
 * which answers GitHub's fixed test data, for a listing that is not live yet.
 */
export interface MarketplaceApi {
  readonly stubbed: boolean;
  /**
   * `GET /marketplace_listing/accounts/{account_id}`; null when GitHub answers 404 (the account has
   * no purchase). `retry: false` asks once (a request or webhook is waiting on it); otherwise a 5xx
   * is tried again as plugin-retry does.
   */
  getAccount(accountId: number, options?: { retry?: boolean }): Promise<MarketplaceAccountState | null>;
  /** `GET /marketplace_listing/plans?per_page=100&page=N`: one API call. */
  planPage(page: number): Promise<Page<MarketplacePlan>>;
  /** `GET /marketplace_listing/plans/{plan_id}/accounts?per_page=100&page=N`: one API call; each account is read by the caller. */
  accountPage(planId: number, page: number): Promise<Page<unknown>>;
}

function hasNext(headers: { link?: string }): boolean {
  return /rel="next"/.test(headers.link ?? "");
}

export function createMarketplaceApi(deps: { probot: Probot; stubbed: boolean }): MarketplaceApi {
  const { probot, stubbed } = deps;
  return {
    stubbed,

    async getAccount(accountId, options = {}) {
      const octokit = await probot.auth();
      const params = { account_id: accountId, ...(options.retry === false ? { request: { retries: 0 } } : {}) };
      try {
        const { data } = stubbed
          ? await octokit.request("GET /marketplace_listing/stubbed/accounts/{account_id}", params)
          : await octokit.request("GET /marketplace_listing/accounts/{account_id}", params);
        return readMarketplaceAccount(data);
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    async planPage(page) {
      const octokit = await probot.auth();
      const query = { per_page: MARKETPLACE_PAGE_SIZE, page };
      const { data, headers } = stubbed
        ? await octokit.request("GET /marketplace_listing/stubbed/plans", query)
        : await octokit.request("GET /marketplace_listing/plans", query);
      return { items: (data as unknown as Json[]).map(readMarketplacePlan), hasNext: hasNext(headers) };
    },

    async accountPage(planId, page) {
      const octokit = await probot.auth();
      const query = { plan_id: planId, per_page: MARKETPLACE_PAGE_SIZE, page };
      const { data, headers } = stubbed
        ? await octokit.request("GET /marketplace_listing/stubbed/plans/{plan_id}/accounts", query)
        : await octokit.request("GET /marketplace_listing/plans/{plan_id}/accounts", query);
      return { items: data as unknown[], hasNext: hasNext(headers) };
    },
  };
}
