import type { Probot, ProbotOctokit } from "probot";
import type { AppConfig } from "../config/env.js";
import type { Models } from "../models/index.js";
import type { Entitlements } from "../marketplace/entitlements.js";
import { createGitHubAppClient, type GitHubAppClient } from "../github/app-client.js";
import { createGitHubUrls, type GitHubUrls } from "../github/urls.js";
import { createGitHubUserAuth, type GitHubUserAuth } from "../github/user-auth.js";
import type { MarketplaceRefresh } from "../marketplace/marketplace-sync.js";
import { createStateTokens, type StateTokens } from "../connect/state-token.js";

/** Everything the settings page and the connect flow need, built once per web app. */
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
}

export interface GitHubConnectParts {
  config: AppConfig;
  models: Models;
  now: () => Date;
  /** The App's Probot instance: App JWT and installation tokens (the webhook one will do). */
  probot: Probot;
  /** The Octokit class for user-token calls; tests pass one with retries off. */
  Octokit?: typeof ProbotOctokit;
  entitlements: Entitlements;
  refreshMarketplace?: MarketplaceRefresh;
}

export function createGitHubConnectDeps(parts: GitHubConnectParts): GitHubConnectDeps {
  const { config, models, now } = parts;
  const urls = createGitHubUrls({ github: config.github, baseUrl: config.baseUrl });
  return {
    config,
    models,
    now,
    urls,
    appClient: createGitHubAppClient({ probot: parts.probot }),
    userAuth: createGitHubUserAuth({ github: config.github, redirectUri: urls.callbackUrl, Octokit: parts.Octokit }),
    states: createStateTokens({ secret: config.github.stateSecret, now, models }),
    entitlements: parts.entitlements,
    refreshMarketplace: parts.refreshMarketplace,
  };
}
