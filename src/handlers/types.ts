import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import type { DeliveryOutcome } from "../webhooks/delivery-log.js";
import type { MarketplaceRefresh } from "../marketplace/marketplace-sync.js";
import type { GitHubAppClient } from "../github/app-client.js";

/** What a handler needs; tests pass a real database and a fixed clock. */
export interface HandlerDeps {
  models: Models;
  now: () => Date;
  /** An installation an owner approved is linked by its webhook: the linked account's Marketplace purchase is refreshed then. */
  refreshMarketplace?: MarketplaceRefresh;
  /** GET /app/installations/{id} with the App JWT (github/app-client.ts); the App's own Probot's when absent. */
  getInstallation?: GitHubAppClient["getInstallation"];
}

/** "applied" changed state; "stale" was older than what is stored; "ignored" needed nothing. */
export type HandlerOutcome = DeliveryOutcome;

/** The slice of Probot's Context a handler uses: the typed event and a logger tagged with the delivery. */
export type HandlerContext<E extends EmitterWebhookEventName> = Pick<
  EmitterWebhookEvent<E>,
  "id" | "name" | "payload"
> & { log: Logger };

export type EventHandler<E extends EmitterWebhookEventName> = (
  context: HandlerContext<E>,
  deps: HandlerDeps,
) => Promise<HandlerOutcome>;

/**
 * Registers a handler for `event` or `event.action` names, as Probot's `app.on` does. Call it with
 * the names as a type argument: inferring them through the handler's type is beyond tsc (TS2590).
 */
export type RegisterHandler = <E extends EmitterWebhookEventName>(names: E | E[], handler: EventHandler<E>) => void;
