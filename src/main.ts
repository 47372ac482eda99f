import "dotenv/config";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "./config/env.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "./db/embedded-mongo.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

/** `npm start`: validate the environment, find a database, serve. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);

  let embedded: EmbeddedMongo | undefined;
  let mongodbUri = config.mongodbUri;
  if (!mongodbUri) {
    const dataDir = fileURLToPath(new URL("../.data/mongo", import.meta.url));
    log.info({ dataDir }, "No MONGODB_URI: starting an embedded MongoDB-compatible server");
    embedded = await startEmbeddedMongo({ dataDir, log: (msg) => log.info(msg) });
    mongodbUri = `${embedded.uri.replace(/\/?(\?.*)?$/, "")}/github-connect`;
    log.info({ kind: embedded.kind }, "embedded database ready");
  }

  const server = await startServer({ config, log, mongodbUri });
  const shutdown = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await server.close().catch((error: unknown) => log.error({ err: error }, "close failed"));
    await embedded?.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Start-up failed: ${error.message}` : error);
  process.exit(1);
});
