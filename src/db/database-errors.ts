import { innerErrors } from "../lib/error-details.js";

/** Names the MongoDB driver and mongoose give errors that mean "could not reach the server". */
const UNAVAILABLE = new Set([
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoPoolClearedError",
]);

/** True when an error (or one it wraps) says the database could not be reached, rather than refused the work. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (typeof name === "string" && UNAVAILABLE.has(name)) return true;
  // mongoose with bufferCommands off, before the first connection is made
  if (typeof message === "string" && message.includes("before initial connection is complete")) return true;
  return innerErrors(error).some((inner) => isDatabaseUnavailable(inner, depth + 1));
}

/** The database is out of reach: 503, so GitHub marks a delivery failed and a person is told to retry. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly status = 503;
  constructor(cause: unknown) {
    super("the database cannot be reached; nothing was changed", { cause });
  }
}
