import { createHash } from "node:crypto";
import path from "node:path";
import mongoose from "mongoose";
import { expect, inject } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";

// FerretDB's SQLite backend rejects long database names; 38 leaves headroom.
const MAX_DB_NAME = 38;
const droppedThisFile = new Set<string>();

/**
 * Database name unique to the current test file (plus `name`, if given), so
 * files running in parallel against the shared server never see each other's data.
 * Deterministic per file, which makes leftovers easy to trace.
 */
export function testDatabaseName(name?: string): string {
  const testPath = expect.getState().testPath ?? `unknown-${process.pid}`;
  const base = path.basename(testPath).replace(/\.test\.[cm]?[jt]sx?$/, "");
  const hash = createHash("sha1")
    .update(`${testPath}\0${name ?? ""}`)
    .digest("hex")
    .slice(0, 6);
  const slug = `t_${base}${name ? `_${name}` : ""}`.toLowerCase().replace(/[^a-z0-9_]+/g, "_");
  return `${slug.slice(0, MAX_DB_NAME - hash.length - 1)}_${hash}`;
}

/**
 * Replaces the database path of a MongoDB URI, keeping hosts and options.
 * Written by hand because WHATWG URL cannot parse multi-host URIs.
 */
export function withDatabaseName(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  const [, scheme, authority = "", oldDb = "", query = ""] = match;
  const params = query ? query.split("&") : [];
  // Credentials authenticate against the URI's database unless authSource says otherwise; keep that.
  if (oldDb && authority.includes("@") && !params.some((p) => p.toLowerCase().startsWith("authsource="))) {
    params.push(`authSource=${oldDb}`);
  }
  return `${scheme}${authority}/${encodeURIComponent(dbName)}${params.length ? `?${params.join("&")}` : ""}`;
}

/**
 * A new mongoose connection to this test file's own database on the shared test
 * server (from test/global-setup.ts), or on `uri` if given (e.g. a private server).
 * The database is dropped on the first connect in each file, so every file starts clean;
 * later calls with the same name share the data.
 */
export async function connectTestDatabase(
  name?: string,
  options: { uri?: string; serverSelectionTimeoutMS?: number; monitorCommands?: boolean } = {},
): Promise<mongoose.Connection> {
  const dbName = testDatabaseName(name);
  const uri = withDatabaseName(options.uri ?? inject("mongoUri"), dbName);
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    // Command events, for tests that count a request's database round trips (src/db/command-counter.ts).
    monitorCommands: options.monitorCommands ?? false,
  });
  await connection.asPromise();
  const key = `${options.uri ?? ""}|${dbName}`;
  if (!droppedThisFile.has(key)) {
    droppedThisFile.add(key);
    await connection.dropDatabase();
  }
  return connection;
}

/** Drops the connection's database and closes it; tolerates a server that is already gone. */
export async function dropAndClose(connection: mongoose.Connection | undefined): Promise<void> {
  if (!connection) return;
  if (connection.readyState === mongoose.ConnectionStates.connected) {
    await connection.dropDatabase().catch(() => undefined);
  }
  await connection.close(true).catch(() => undefined);
}

/**
 * A server of this test file's own, for tests that stop the database mid-test
 * without breaking the other files that share the global one. Always stop() it in afterAll.
 */
export async function startPrivateMongo(): Promise<EmbeddedMongo> {
  return startEmbeddedMongo({});
}
