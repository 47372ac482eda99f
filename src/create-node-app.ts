import express, { type Express } from "express";
import { WebhookBodyBudget } from "./webhooks/body-budget.js";
import type { WebhookIntake } from "./webhooks/intake.js";
import { createWebhookMiddleware } from "./webhooks/node-middleware.js";

export interface NodeAppParts {
  webhookIntake: WebhookIntake;
  /** The bytes of webhook bodies held at once, across every request (WEBHOOK_BODY_MEMORY_MB). */
  webhookBodyMemoryBytes: number;
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
  app.use(createWebhookMiddleware(parts.webhookIntake, new WebhookBodyBudget(parts.webhookBodyMemoryBytes)));
  app.use(parts.webApp);
  return app;
}
