import { ConfigError } from "./config-error.js";
import { read, type Env } from "./read-env.js";

/** The GitHub Marketplace listing, as far as the app needs to know it. */
export interface MarketplaceConfig {
  /** MARKETPLACE_LISTING_URL: where "upgrade" sends people (the listing's page); null when unset. */
  listingUrl: string | null;
  /** MARKETPLACE_STUBBED=true: ask GitHub's /marketplace_listing/stubbed/… endpoints (fake data, for a listing not yet live). */
  stubbed: boolean;
}

function parseListingUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `MARKETPLACE_LISTING_URL must be an absolute http(s) URL such as https://github.com/marketplace/<listing>, got "${raw}"`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      `MARKETPLACE_LISTING_URL must be an absolute http(s) URL such as https://github.com/marketplace/<listing>, got "${raw}"`,
    );
  }
  return url.toString();
}

function parseStubbed(raw: string | undefined): boolean {
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  throw new ConfigError(`MARKETPLACE_STUBBED must be "true" or "false", got "${raw}"`);
}

export function loadMarketplaceConfig(env: Env): MarketplaceConfig {
  return {
    listingUrl: parseListingUrl(read(env, "MARKETPLACE_LISTING_URL")),
    stubbed: parseStubbed(read(env, "MARKETPLACE_STUBBED")),
  };
}
