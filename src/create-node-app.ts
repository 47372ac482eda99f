import express, { type Express } from "express";
import type { WebhookIntake } from "./webhooks/intake.js";
import { createWebhookMiddleware } from "./webhooks/node-middleware.js";

export interface NodeAppParts {
  webhookIntake: WebhookIntake;
  webApp: Express;
}

/**
 * The whole HTTP surface of the Node server: the webhook intake in front of the web app.
 * Webhook bodies must reach the intake unparsed (the signature covers the raw bytes), so no body
 * parser runs before it.
 */
export function createNodeApp(parts: NodeAppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(createWebhookMiddleware(parts.webhookIntake));
  app.use(parts.webApp);
  return app;
}
