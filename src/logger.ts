import { getTransformStream } from "@probot/pino";
import { destination, pino, type Logger } from "pino";
import type { LogLevel } from "./config/env.js";

/**
 * Probot's logger, built the way Probot builds it (pino through @probot/pino's transform: pretty
 * in a terminal, JSON with LOG_FORMAT=json) from public packages rather than Probot's internals.
 */
export function createLogger(level: LogLevel, env: Record<string, string | undefined> = process.env): Logger {
  const transform = getTransformStream({
    logFormat: env.LOG_FORMAT === "json" || env.LOG_FORMAT === "pretty" ? env.LOG_FORMAT : undefined,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
  });
  // SonicBoom is a writable stream in all but its declared type.
  transform.pipe(destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level, name: "probot", messageKey: "msg" }, transform);
}
