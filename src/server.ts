import type { AddressInfo } from "node:net";
import type { Connection } from "mongoose";
import type { Logger } from "pino";
import { createAssembly } from "./assembly.js";
import type { AppConfig } from "./config/env.js";
import { isLoopbackHost, isPublicHost } from "./config/network.js";
import { listenHttp, type ServerLimits } from "./http-listener.js";
import { WEBHOOK_PATHS } from "./webhooks/intake.js";
import { startWebhookProxy, type WebhookProxy } from "./webhooks/webhook-proxy.js";
import { startReconcileInterval } from "./reconcile/reconcile-interval.js";
import { startDeliveryLogPruning } from "./webhooks/delivery-log-retention.js";
import { startDispatcher } from "./events/dispatcher.js";

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
  /** The clock every handler and job reads (tests move it). */
  now?: () => Date;
  /** Overrides DELIVERY_LOG_PRUNE_INTERVAL_MS (an hour; tests use a short one). */
  deliveryLogPruneIntervalMs?: number;
  /** The event dispatcher's rounds: its poll (DISPATCH_POLL_INTERVAL_MS) and whether a recorded event starts one (default true; the benchmark's baseline turns it off). */
  dispatch?: { pollIntervalMs?: number; wakeOnRecord?: boolean };
}

/** A host a browser on this machine can open: the listening address, or localhost for loopback and "any". */
function displayHost(host: string): string {
  if (isLoopbackHost(host) || host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * WEBHOOK_PROXY_URL's channel forwarded to the webhook endpoint (the Node server only: on Lambda
 * GitHub reaches the function itself). Without one, a BASE_URL GitHub cannot reach is said once.
 */
function webhookProxyFor(config: AppConfig, target: string, log: Logger): WebhookProxy | undefined {
  if (config.webhookProxy.url) return startWebhookProxy({ source: config.webhookProxy.url, target, log });
  if (!isPublicHost(new URL(config.baseUrl).hostname)) {
    log.warn(
      `GitHub cannot deliver webhooks to ${config.baseUrl}: set WEBHOOK_PROXY_URL to a channel from https://smee.io/new (and the App's webhook URL to it), or BASE_URL to a public URL`,
    );
  }
  return undefined;
}

/** The bound address as this machine reaches it: "any" is reached through loopback. */
function reachableAddress(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::") return "[::1]";
  return address.includes(":") ? `[${address}]` : address;
}

/** Connects the database, builds the App (or the registration flow in setup mode) and listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, log } = options;
  const assembly = createAssembly({ config, log, database: { uri: options.mongodbUri }, now: options.now });
  const { connection, models } = await assembly.database();
  if (config.setupMode) log.warn("No APP_ID: serving the GitHub App registration flow at /probot");
  else if (config.auth.mode === "dev")
    log.warn("AUTH_MODE=dev: development sign-in at /auth/login (anyone can pick any role)");
  const handler = await assembly.nodeApp({ manifestPath: options.manifestPath, dotenvPath: options.dotenvPath });

  const host = options.host ?? config.host;
  let server;
  try {
    server = await listenHttp(handler, {
      port: config.port,
      host,
      limits: { maxConnectionsPerAddress: config.maxConnectionsPerAddress, ...options.limits },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${displayHost(host)}:${port}`;
  log.info({ url, setupMode: config.setupMode }, `GitHub Connect listening on ${url}`);
  const proxy = config.setupMode
    ? undefined
    : webhookProxyFor(config, `http://${reachableAddress(address)}:${port}${WEBHOOK_PATHS.app}`, log);
  // Setup mode has no App to reconcile; the interval starts with the first start after registration.
  const reconcile =
    config.reconcileIntervalMs && !config.setupMode
      ? startReconcileInterval(assembly.reconcile, config.reconcileIntervalMs, log)
      : null;
  // Start-up pruned once; a server that stays up prunes again every hour (FerretDB has no TTL index).
  const pruning = startDeliveryLogPruning({
    models,
    now: assembly.now,
    log,
    intervalMs: options.deliveryLogPruneIntervalMs,
  });
  // Pushes the event log to EVENT_ENDPOINTS beside the request handlers (docs/events.md "Delivery").
  const dispatcher = config.eventDelivery
    ? startDispatcher({ models, config: config.eventDelivery, log, now: assembly.now, ...options.dispatch })
    : null;
  return {
    url,
    connection,
    close: async () => {
      await proxy?.close();
      await dispatcher?.stop();
      await reconcile?.stop();
      await pruning.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
    },
  };
}
