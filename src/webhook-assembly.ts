import type { Connection } from "mongoose";
import type { Logger } from "pino";
import type { Probot, ProbotOctokit } from "probot";
import type { AppConfig } from "./config/env.js";
import { connectDatabase } from "./db/connect.js";
import { createIndexes, createModels, type Models } from "./models/index.js";
import { pruneDeliveryLogAtStartUp } from "./webhooks/delivery-log-retention.js";
import { createMarketplaceApi } from "./marketplace/marketplace-api.js";
import {
  type MarketplaceRefresh,
  marketplaceRefresh,
  type MarketplaceSyncDeps,
} from "./marketplace/marketplace-sync.js";
import { createProbotInstance } from "./github/probot-factory.js";
import { loadWebhookApps } from "./webhooks/load-webhook-apps.js";
import { type LoadReceiver, probotReceiver, WebhookIntake, type WebhookSource } from "./webhooks/intake.js";
import { onceUntilFailure } from "./lib/once-until-failure.js";
import { createDispatcher, type Dispatcher } from "./events/dispatcher.js";

/**
 * The webhook half of the composition root: what the webhooks Lambda function needs, and nothing
 * from src/web (views, EJS, helmet, WorkOS), so its bundle stays small. createAssembly builds on it.
 */
export interface WebhookAssemblyOptions {
  config: AppConfig;
  log: Logger;
  /** A URI to connect to (once per process), or a connection already open (tests). */
  database: { uri: string } | { connection: Connection };
  /** The clock every handler and page reads. */
  now?: () => Date;
  /** The Octokit class for every GitHub call (App, installation and user tokens); tests turn retries off. */
  Octokit?: typeof ProbotOctokit;
  /** How each endpoint's Probot receives verified deliveries; Probot's own receive unless given (Lambda gives the adapter). */
  loadReceiver?: LoadReceiver;
  /** Replaces the event deliveries' retry delays (tests use short ones). */
  eventRetryDelaysMs?: readonly number[];
}

export interface OpenDatabase {
  connection: Connection;
  models: Models;
}

export interface WebhookAssembly {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly now: () => Date;
  /** The App's webhook and the Marketplace listing's, each with its own secret; null in setup mode. */
  readonly probots: Readonly<Record<WebhookSource, Probot>> | null;
  /** The connection and models, indexes built and the delivery log pruned; opened on first use, again after a failure. */
  database(): Promise<OpenDatabase>;
  /** The webhook intake; the database is opened by the first verified delivery. */
  webhookIntake(): WebhookIntake;
  /** GitHub's Marketplace API with the models, for `checkMarketplacePlans` (the reconcile job); not in setup mode. */
  marketplaceSync(): Promise<MarketplaceSyncDeps>;
  /** The link flow's refresh of an account's purchase; none on GitHub Enterprise Server, which has no Marketplace. */
  refreshMarketplace(): Promise<MarketplaceRefresh | undefined>;
  /**
   * The event dispatcher over this process's database (one per process: its scan position is
   * kept across Lambda invocations); null without EVENT_ENDPOINTS. The Node server starts its own loop.
   */
  eventDispatcher(): Promise<Dispatcher | null>;
}

export const requireProbotsOf = (probots: WebhookAssembly["probots"]) => {
  if (!probots) throw new Error("setup mode has no App: register it first (APP_ID)");
  return probots;
};

export function createWebhookAssembly(options: WebhookAssemblyOptions): WebhookAssembly {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const probotLog = log.child({ name: "probot" });
  const probotFor = (secret: string) =>
    createProbotInstance({ github: config.github, secret, log: probotLog, Octokit: options.Octokit });
  const probots = config.setupMode
    ? null
    : { app: probotFor(config.github.webhookSecret), marketplace: probotFor(config.github.marketplaceWebhookSecret) };

  const database = onceUntilFailure(async (): Promise<OpenDatabase> => {
    const connection =
      "connection" in options.database ? options.database.connection : await connectDatabase(options.database.uri);
    const models = createModels(connection);
    await createIndexes(models);
    await pruneDeliveryLogAtStartUp(models, now(), log);
    return { connection, models };
  });

  const marketplaceApi = probots
    ? createMarketplaceApi({ probot: probots.app, stubbed: config.marketplace.stubbed })
    : null;
  const marketplaceSync = async (): Promise<MarketplaceSyncDeps> => {
    if (!marketplaceApi) throw new Error("setup mode has no App: register it first (APP_ID)");
    return { models: (await database()).models, now, api: marketplaceApi, log: log.child({ name: "marketplace" }) };
  };

  // GitHub Enterprise Server has no Marketplace: nothing there is refreshed from it.
  const refreshMarketplace = async (): Promise<MarketplaceRefresh | undefined> =>
    config.github.enterpriseHost ? undefined : marketplaceRefresh(await marketplaceSync());

  let intake: WebhookIntake | undefined;
  const webhookIntake = () =>
    (intake ??= new WebhookIntake({
      secrets: { app: config.github.webhookSecret, marketplace: config.github.marketplaceWebhookSecret },
      receivers: onceUntilFailure(async () =>
        loadWebhookApps(
          requireProbotsOf(probots),
          { models: (await database()).models, now, refreshMarketplace: await refreshMarketplace() },
          options.loadReceiver ?? probotReceiver,
        ),
      ),
      log: log.child({ name: "webhooks" }),
    }));

  const delivery = config.eventDelivery;
  const eventDispatcher = delivery
    ? onceUntilFailure(
        async (): Promise<Dispatcher | null> =>
          createDispatcher({
            models: (await database()).models,
            config: delivery,
            log: log.child({ name: "events" }),
            now,
            retryDelaysMs: options.eventRetryDelaysMs,
          }),
      )
    : async () => null;

  return { config, log, now, probots, database, webhookIntake, marketplaceSync, refreshMarketplace, eventDispatcher };
}
