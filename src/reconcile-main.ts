import "dotenv/config";
import { createAssembly } from "./assembly.js";
import { ConfigError, loadConfig } from "./config/env.js";
import { disconnectAll } from "./db/connect.js";
import { createLogger } from "./logger.js";
import { exitCodeOf } from "./reconcile/run-reconcile.js";

/**
 * `npm run reconcile`: one reconcile run through the composition root, for cron or by hand.
 * Exit code 0 when it completed, found another run holding the lease, or had nothing to do;
 * 1 when the run itself failed or cannot start.
 */
async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
    if (config.setupMode) throw new ConfigError("APP_ID is required: register the App with `npm start` first");
    // The embedded development database belongs to the `npm start` that started it.
    if (!config.mongodbUri)
      throw new ConfigError(
        "MONGODB_URI is required (or set RECONCILE_INTERVAL for `npm start` to run the job itself)",
      );
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const assembly = createAssembly({ config, log, database: { uri: config.mongodbUri } });
  try {
    return exitCodeOf(await assembly.reconcile());
  } finally {
    await disconnectAll();
  }
}

const exit = (code: number) => {
  process.exitCode = code;
  // The log drains as the process ends by itself; a handle some library left open must not keep a cron job alive.
  setTimeout(() => process.exit(code), 5_000).unref();
};

main().then(exit, (error: unknown) => {
  console.error(error instanceof Error ? `Reconcile failed: ${error.message}` : error);
  exit(1);
});
