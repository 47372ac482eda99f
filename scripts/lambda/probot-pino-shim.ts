import { PassThrough } from "node:stream";

/**
 * Stands in for `@probot/pino` in the Lambda bundles only (scripts/build-lambda.ts aliases it).
 * Probot's getLog pipes pino through this stream; the real one pretty-prints with pino-pretty and
 * loads @sentry/node (with OpenTelemetry) at import, which neither function uses. CloudWatch wants
 * the JSON lines pino already writes, so they pass through unchanged.
 */
export function getTransformStream(): PassThrough {
  return new PassThrough();
}
