import { ConfigError, loadConfig } from "../config/env.js";
import { pino } from "pino";
import type { WebhookAssemblyOptions } from "../webhook-assembly.js";

export type Env = Record<string, string | undefined>;

/**
 * A Lambda container's parts, from the environment validated once with the same rules as
 * `npm start`, plus what Lambda cannot do without. Module scope is the container: a warm
 * invocation finds the assembly ready (and its database open), a cold start builds it.
 */
export function lambdaAssemblyOptions(env: Env, now?: () => Date): WebhookAssemblyOptions {
  // Lambda is a deployment whatever NODE_ENV says: no development sign-in, generated secret or localhost BASE_URL.
  const config = loadConfig(env, { deployment: "on Lambda" });
  if (!config.mongodbUri)
    throw new ConfigError("MONGODB_URI is required on Lambda (there is no embedded database there)");
  if (config.setupMode) {
    throw new ConfigError(
      "APP_ID is required on Lambda: register the App with `npm start` first (setup mode writes .env, which Lambda cannot)",
    );
  }
  // serverless-http gives Express API Gateway's source IP (req.ip); a forwarded header must not replace it.
  if (config.trustProxy !== false) {
    throw new ConfigError(
      "TRUST_PROXY does not apply on Lambda: the client's IP comes from API Gateway's requestContext; unset it",
    );
  }
  // Nothing forwards a smee channel on Lambda; a value here would only suggest it does.
  if (config.webhookProxy.url) {
    throw new ConfigError(
      "WEBHOOK_PROXY_URL does not apply on Lambda: GitHub delivers to the webhooks function's own URL; unset it",
    );
  }
  if (config.reconcileIntervalMs !== null) {
    throw new ConfigError(
      "RECONCILE_INTERVAL does not apply on Lambda: the reconcile function runs on serverless.yml's schedule; unset it",
    );
  }
  // JSON lines on stdout, what CloudWatch reads; the Node server's terminal format (src/logger.ts) would only add weight here.
  const log = pino({ level: config.logLevel, name: "probot", messageKey: "msg" });
  return { config, log, database: { uri: config.mongodbUri }, now };
}

/** No logger without a valid configuration: one JSON line naming the variable, never its value. */
export function logConfigError(error: unknown): void {
  console.error(JSON.stringify({ level: "fatal", msg: `Configuration error: ${(error as Error).message}` }));
}
