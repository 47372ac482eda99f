import type { AppConfig } from "../config/env.js";
import type { Models } from "../models/index.js";
import type { Entitlements } from "../marketplace/entitlements.js";
import type { GitHubAppClient } from "../github/app-client.js";
import type { GitHubUrls } from "../github/urls.js";
import type { GitHubUserAuth } from "../github/user-auth.js";
import type { MarketplaceRefresh } from "../marketplace/marketplace-sync.js";
import type { StateTokens } from "../connect/state-token.js";
import type { ReconcileGitHub } from "../github/reconcile-api.js";

/** Everything the settings page and the connect flow need, built once per web app by the assembly. */
export interface GitHubConnectDeps {
  config: AppConfig;
  models: Models;
  now: () => Date;
  appClient: GitHubAppClient;
  userAuth: GitHubUserAuth;
  urls: GitHubUrls;
  states: StateTokens;
  /** The organization's plan, limits and usage (the settings page's plan section). */
  entitlements: Entitlements;
  /** Refreshes the linked account's Marketplace purchase after a link. */
  refreshMarketplace?: MarketplaceRefresh;
  /** The App's webhook delivery log at GitHub (the console's Redeliver); the reconcile job's calls. */
  hookDeliveries?: ReconcileGitHub;
}
