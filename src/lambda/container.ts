import type { Connection } from "mongoose";
import type { Logger } from "pino";
import { ConfigError, loadConfig, type AppConfig } from "../config/env.js";
import { connectDatabase } from "../db/connect.js";
import { createLogger } from "../logger.js";
import { createIndexes, createModels, type Models } from "../models/index.js";
import { pruneDeliveryLogAtStartUp } from "../services/delivery-log-retention.js";

export type Env = Record<string, string | undefined>;

/**
 * Everything a Lambda container sets up once and reuses across invocations. Module scope is
 * the container: a warm invocation finds it ready, a cold start builds it.
 */
export interface LambdaSetup {
  config: AppConfig;
  mongodbUri: string;
  log: Logger;
}

/** The environment, validated once per container with the same rules as `npm start`, plus what Lambda cannot do without. */
export function loadLambdaSetup(env: Env): LambdaSetup {
  const config = loadConfig(env);
  if (!config.mongodbUri) throw new ConfigError("MONGODB_URI is required on Lambda (there is no embedded database there)");
  if (config.setupMode) {
    throw new ConfigError("APP_ID is required on Lambda: register the App with `npm start` first (setup mode writes .env, which Lambda cannot)");
  }
  // serverless-http gives Express API Gateway's source IP (req.ip); a forwarded header must not replace it.
  if (config.trustProxy !== false) {
    throw new ConfigError("TRUST_PROXY does not apply on Lambda: the client's IP comes from API Gateway's requestContext; unset it");
  }
  return { config, mongodbUri: config.mongodbUri, log: createLogger(config.logLevel, env) };
}

/** Remembers a start-up step for the container's life; a failure is forgotten, so the next invocation tries again. */
export function onceUntilFailure<T>(start: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= start().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

export interface LambdaDatabase {
  connection: Connection;
  models: Models;
}

/**
 * The container's one connection (connectDatabase keeps it per URI: short server selection,
 * small pool, no command buffering) with every index built and the delivery log pruned, once
 * per container.
 */
export async function openDatabase(uri: string, log: Pick<Logger, "info" | "warn"> = createLogger("info")): Promise<LambdaDatabase> {
  const connection = await connectDatabase(uri);
  const models = createModels(connection);
  await createIndexes(models);
  await pruneDeliveryLogAtStartUp(models, new Date(), log);
  return { connection, models };
}

export { isDatabaseUnavailable } from "../db/database-errors.js";
