import "dotenv/config";
import path from "node:path";
import { ConfigError, loadConfig } from "./config/env.js";
import type { EmbeddedMongo } from "./db/embedded/embedded-mongo.js";
import { ensurePortFree, PortInUseError } from "./http-listener.js";
import { createLogger } from "./logger.js";
import { projectPaths } from "./project-paths.js";
import { startServer, type RunningServer } from "./server.js";

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
  let server: RunningServer;
  try {
    // Before the embedded database: a second `npm start` should stop here, having started nothing.
    await ensurePortFree(config.port, config.host);
    let mongodbUri = config.mongodbUri;
    if (!mongodbUri) {
      const dataDir = path.join(projectPaths.data, "mongo");
      // Said before it starts: the first build is minutes of silence otherwise.
      log.info(
        { dataDir },
        "No MONGODB_URI: starting an embedded MongoDB-compatible server (the first start builds FerretDB: about 640 MB of Go modules and a few minutes on a cold cache; later starts take seconds)",
      );
      // Loaded only here: a production start (MONGODB_URI set) never loads the development database tooling.
      const { startEmbeddedMongo } = await import("./db/embedded/embedded-mongo.js");
      embedded = await startEmbeddedMongo({ dataDir, log: (msg) => log.info(msg), warn: (msg) => log.warn(msg) });
      mongodbUri = `${embedded.uri.replace(/\/?(\?.*)?$/, "")}/github-connect`;
      log.info(
        { kind: embedded.kind },
        `embedded database ready: MONGODB_URI=${mongodbUri} (open it with mongosh or any MongoDB client)`,
      );
    }
    server = await startServer({ config, log, mongodbUri });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

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
  // The operator's own fix is in these messages; a stack would only bury it.
  // DataDirInUseError by name: its class lives in the lazily loaded embedded database module.
  if (error instanceof PortInUseError || (error instanceof Error && error.name === "DataDirInUseError"))
    console.error(error.message);
  else console.error(error instanceof Error ? `Start-up failed: ${error.message}` : error);
  process.exit(1);
});
