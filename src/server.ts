import type { AddressInfo } from "node:net";
import type { Connection } from "mongoose";
import type { Logger } from "pino";
import type { AppConfig } from "./config/env.js";
import { isLoopbackHost } from "./config/network.js";
import { createNodeApp } from "./create-node-app.js";
import { connectDatabase } from "./db/connect.js";
import { listenHttp, type ServerLimits } from "./http-listener.js";
import { projectPaths } from "./project-paths.js";
import { createIndexes, createModels } from "./models/index.js";
import { pruneDeliveryLogAtStartUp } from "./services/delivery-log-retention.js";
import { createProbotInstance } from "./services/probot-factory.js";
import { createWebApp } from "./web/create-web-app.js";
import { createWebhookIntake } from "./webhooks/create-webhook-intake.js";
import { appRegistrationRoutes } from "./web/routes/app-registration.js";
import { buildWebRouters } from "./web/routes/index.js";
import { createWorkOSClient } from "./web/session/workos-client.js";

export interface RunningServer {
  url: string;
  connection: Connection;
  close(): Promise<void>;
}

export interface StartServerOptions {
  config: AppConfig;
  log: Logger;
  /** The database URI; the caller decides whether it is configured or embedded. */
  mongodbUri: string;
  manifestPath?: string;
  dotenvPath?: string;
  /** Overrides config.host. */
  host?: string;
  /** Overrides DEFAULT_SERVER_LIMITS (tests use short ones). */
  limits?: Partial<ServerLimits>;
}

/** A host a browser on this machine can open: the listening address, or localhost for loopback and "any". */
function displayHost(host: string): string {
  if (isLoopbackHost(host) || host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/** Connects the database, builds the App (or the registration flow in setup mode) and listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, log } = options;
  const connection = await connectDatabase(options.mongodbUri);
  const models = createModels(connection);
  await createIndexes(models);
  await pruneDeliveryLogAtStartUp(models, new Date(), log);

  const now = () => new Date();
  let handler;
  if (config.setupMode) {
    log.warn("No APP_ID: serving the GitHub App registration flow at /probot");
    handler = createWebApp({
      config,
      log,
      connection,
      routers: [
        appRegistrationRoutes({
          config,
          manifestPath: options.manifestPath ?? projectPaths.appManifest,
          dotenvPath: options.dotenvPath ?? projectPaths.dotenv,
        }),
      ],
    });
  } else {
    const probotLog = log.child({ name: "probot" });
    const { webhookSecret, marketplaceWebhookSecret } = config.github;
    const probot = createProbotInstance({ github: config.github, secret: webhookSecret, log: probotLog });
    const webhookIntake = await createWebhookIntake({
      probots: { app: probot, marketplace: createProbotInstance({ github: config.github, secret: marketplaceWebhookSecret, log: probotLog }) },
      secrets: { app: webhookSecret, marketplace: marketplaceWebhookSecret },
      appDeps: { models, now },
      log,
    });
    handler = createNodeApp({
      webhookIntake,
      webApp: createWebApp({ config, log, connection, routers: buildWebRouters({ config, models, now, workos: createWorkOSClient(config), probot }) }),
    });
    if (config.auth.mode === "dev") log.warn("AUTH_MODE=dev: development sign-in at /auth/login (anyone can pick any role)");
  }

  const host = options.host ?? config.host;
  let server;
  try {
    server = await listenHttp(handler, { port: config.port, host, limits: options.limits });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${displayHost(host)}:${port}`;
  log.info({ url, setupMode: config.setupMode }, `GitHub Connect listening on ${url}`);
  return {
    url,
    connection,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
    },
  };
}
