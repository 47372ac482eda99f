import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Express, Router } from "express";
import type { Connection } from "mongoose";
import { ProbotOctokit } from "probot";
import type { WorkOS } from "@workos-inc/node";
import { createAssembly } from "../../src/assembly.js";
import type { AppConfig } from "../../src/config/env.js";
import type { Models } from "../../src/models/index.js";
import type { RepoEntitlements } from "../../src/marketplace/entitlements.js";
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
  /** A WorkOS client pointed at nock, for AUTH_MODE=workos. */
  workos?: WorkOS;
  /** Routers after the app's own (test probes). */
  extraRouters?: Router[];
  now?: Date;
  /** Replaces the entitlements the assembly builds (e.g. one that refuses). */
  entitlements?: RepoEntitlements;
}

export async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The real HTTP app (webhook intake + web app) from the composition root, on a loopback port. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const config = options.config ?? testConfig();
  const logs = captureLogger();
  let current = options.now ?? new Date("2026-11-24T12:00:00Z");
  const now = () => new Date(current);
  const assembly = createAssembly({
    config,
    log: logs.log,
    database: { connection: options.connection },
    now,
    Octokit: TestOctokit,
    workos: options.workos,
    entitlements: options.entitlements ? () => options.entitlements! : undefined,
  });
  const { models } = await assembly.database();
  const { server, url } = await listen(await assembly.nodeApp({ extraRouters: options.extraRouters }));
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
