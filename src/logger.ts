import { Transform } from "node:stream";
import { getTransformStream } from "@probot/pino";
import { destination, pino, type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import type { LogLevel } from "./config/env.js";

/** Probot's own error fields, shown under an error (as @probot/pino shows them). */
const ERROR_PROPS = "event,status,headers,request";

/** An access line (pino-http's) read as a person reads one: `GET /path 200 12 ms`. */
function message(log: Record<string, unknown>, messageKey: string): string {
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (req?.method && res?.statusCode !== undefined)
    return `${req.method} ${req.url ?? ""} ${res.statusCode} ${log.responseTime ?? "?"} ms`;
  return String(log[messageKey] ?? "");
}

/**
 * The terminal format: @probot/pino's (pino-pretty, level and name first), plus the time, and one
 * line per entry (extra fields inline as JSON), so a page view is one line, not five. Only the
 * error's stack, when there is one, takes more.
 */
function prettyStream(): Transform {
  const pretty = prettyFactory({
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,req,res,responseTime",
    errorProps: ERROR_PROPS,
    singleLine: true,
    messageFormat: message,
  });
  return new Transform({
    objectMode: true,
    transform(chunk: Buffer | string, _encoding, done) {
      done(null, pretty(chunk.toString()));
    },
  });
}

/**
 * Probot's logger, built the way Probot builds it (pino, JSON through @probot/pino's transform
 * with LOG_FORMAT=json), from public packages rather than Probot's internals. @probot/pino's
 * pretty format drops the time and offers no option to keep it, so the pretty format is built
 * here on the same pino-pretty.
 */
export function createLogger(
  level: LogLevel,
  env: Record<string, string | undefined> = process.env,
  // SonicBoom is a writable stream in all but its declared type.
  out: NodeJS.WritableStream = destination(1) as unknown as NodeJS.WritableStream,
): Logger {
  const transform =
    env.LOG_FORMAT === "json"
      ? getTransformStream({ logFormat: "json", logLevelInString: env.LOG_LEVEL_IN_STRING === "true" })
      : prettyStream();
  transform.pipe(out);
  return pino({ level, name: "probot", messageKey: "msg" }, transform);
}
