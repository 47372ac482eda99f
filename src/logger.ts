import type { Logger } from "pino";
import { getLog } from "probot/lib/helpers/get-log.js";
import type { LogLevel } from "./config/env.js";

/** Probot's own pino logger (pretty in a terminal, JSON with LOG_FORMAT=json), so every line has one shape. */
export function createLogger(level: LogLevel, env: Record<string, string | undefined> = process.env): Logger {
  return getLog({
    level: level as "info",
    logFormat: env.LOG_FORMAT === "json" || env.LOG_FORMAT === "pretty" ? env.LOG_FORMAT : undefined,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
  }) as unknown as Logger;
}
