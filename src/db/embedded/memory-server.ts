import { mkdirSync } from "node:fs";
import path from "node:path";
import { messageOf } from "../../lib/error-details.js";
import type { EmbeddedMongo, EmbeddedMongoOptions } from "./embedded-mongo.js";

/** mongod from mongodb-memory-server: needs fastdl.mongodb.org (or MONGOMS_SYSTEM_BINARY), often blocked. */
export async function startMemoryServer(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  // Imported lazily: a devDependency, and only the last resort.
  const mod = await import("mongodb-memory-server-core").catch((error: unknown) => {
    throw new Error(`cannot import mongodb-memory-server-core (${messageOf(error)})`);
  });
  const dbPath = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await mod.MongoMemoryServer.create({
    instance: { ip: "127.0.0.1", ...(dbPath ? { dbPath, storageEngine: "wiredTiger" as const } : {}) },
  });
  let stopping: Promise<void> | undefined;
  return {
    uri: server.getUri(),
    kind: "mongodb-memory-server",
    // A caller-provided dbPath is never removed; the library's own temp dir is.
    stop: () => (stopping ??= server.stop({ doCleanup: true, force: false }).then(() => undefined)),
  };
}
