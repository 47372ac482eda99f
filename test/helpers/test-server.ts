import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Express, Router } from "express";
import type { Connection } from "mongoose";
import { ProbotOctokit } from "probot";
import type { AppConfig } from "../../src/config/env.js";
import { createNodeApp } from "../../src/create-node-app.js";
import { createIndexes, createModels, type Models } from "../../src/models/index.js";
import { createProbotInstance } from "../../src/services/probot-factory.js";
import { createWebApp } from "../../src/web/create-web-app.js";
import { createWebhookIntake } from "../../src/webhooks/create-webhook-intake.js";
import { captureLogger, type CapturedLogger } from "./test-logger.js";
import { testConfig } from "./test-config.js";

/**
 * Retries and throttling off: a recorded 5xx or 429 answers the test at once. A function, not an
 * object: Probot passes its own `throttle` options when it builds an Octokit, which would replace
 * an object default's `throttle` whole and leave throttling on (writes then wait 1 s each).
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

export interface TestServer {
  url: string;
  models: Models;
  config: AppConfig;
  logs: CapturedLogger;
  /** Change the clock the handlers see. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export interface TestServerOptions {
  connection: Connection;
  config?: AppConfig;
  routers?: (parts: { models: Models; config: AppConfig; now: () => Date }) => Router[];
  now?: Date;
}

export async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The real HTTP app (Probot webhooks + Marketplace webhooks + web app) on a loopback port. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const config = options.config ?? testConfig();
  const logs = captureLogger();
  const models = createModels(options.connection);
  await createIndexes(models);
  let current = options.now ?? new Date("2026-11-24T12:00:00Z");
  const now = () => new Date(current);
  const probotFor = (secret: string) =>
    createProbotInstance({ github: config.github, secret, log: logs.log.child({ name: "probot" }), Octokit: TestOctokit });
  const { webhookSecret, marketplaceWebhookSecret } = config.github;
  const webhookIntake = await createWebhookIntake({
    probots: { app: probotFor(webhookSecret), marketplace: probotFor(marketplaceWebhookSecret) },
    secrets: { app: webhookSecret, marketplace: marketplaceWebhookSecret },
    appDeps: { models, now },
    log: logs.log,
  });
  const app = createNodeApp({
    webhookIntake,
    webApp: createWebApp({ config, log: logs.log, connection: options.connection, routers: options.routers?.({ models, config, now }) }),
  });
  const { server, url } = await listen(app);
  return {
    url,
    models,
    config,
    logs,
    setNow: (date) => {
      current = date;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
