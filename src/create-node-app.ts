import express, { type Express } from "express";
import { createNodeMiddleware, type Probot } from "probot";
import { createApp, type AppDeps } from "./app.js";

export const WEBHOOK_PATH = "/api/github/webhooks";
export const MARKETPLACE_WEBHOOK_PATH = "/api/github/marketplace";

export interface NodeAppParts {
  probot: Probot;
  /** Verifies with the Marketplace listing's own secret. */
  marketplaceProbot: Probot;
  appDeps: AppDeps;
  webApp: Express;
}

/**
 * The whole HTTP surface of the Node server: Probot's webhook middleware in front of the web app.
 * Webhook bodies must reach Probot unparsed (the signature covers the raw bytes), so no body
 * parser runs before it.
 */
export function createNodeApp(parts: NodeAppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(createNodeMiddleware(createApp({ ...parts.appDeps, source: "app" }), { probot: parts.probot, webhooksPath: WEBHOOK_PATH }));
  app.use(
    createNodeMiddleware(createApp({ ...parts.appDeps, source: "marketplace" }), {
      probot: parts.marketplaceProbot,
      webhooksPath: MARKETPLACE_WEBHOOK_PATH,
    }),
  );
  app.use(parts.webApp);
  return app;
}
