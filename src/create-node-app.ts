import express, { type Express } from "express";
import type { Probot } from "probot";
import type { Logger } from "pino";
import { createApp, type AppDeps } from "./app.js";
import { createWebhookMiddleware } from "./webhook-middleware.js";

export const WEBHOOK_PATH = "/api/github/webhooks";
export const MARKETPLACE_WEBHOOK_PATH = "/api/github/marketplace";

export interface NodeAppParts {
  probot: Probot;
  /** Verifies with the Marketplace listing's own secret. */
  marketplaceProbot: Probot;
  appDeps: AppDeps;
  webApp: Express;
  log: Logger;
}

/**
 * The whole HTTP surface of the Node server: Probot's webhook middleware in front of the web app.
 * Webhook bodies must reach Probot unparsed (the signature covers the raw bytes), so no body
 * parser runs before it.
 */
export function createNodeApp(parts: NodeAppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(createWebhookMiddleware(parts.probot, createApp({ ...parts.appDeps, source: "app" }), WEBHOOK_PATH, parts.log));
  app.use(createWebhookMiddleware(parts.marketplaceProbot, createApp({ ...parts.appDeps, source: "marketplace" }), MARKETPLACE_WEBHOOK_PATH, parts.log));
  app.use(parts.webApp);
  return app;
}
