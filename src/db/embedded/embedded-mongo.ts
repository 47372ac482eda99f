import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { ensureFerretdbBinary, ferretdbBinary, goOnPath, startFerretdb } from "./ferretdb.js";

export interface EmbeddedMongo {
  uri: string;
  kind: "ferretdb" | "mongodb-memory-server";
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  /**
   * Persistent data directory (kept on stop), used by one server at a time: a second start on it
   * throws DataDirInUseError. Without it a temp dir is used and removed on stop.
   */
  dataDir?: string;
  log?: (msg: string) => void;
}

/**
 * Starts a local MongoDB-compatible server for development and tests.
 * FerretDB comes first because it can be built from the Go module proxy, which
 * is reachable here; mongodb-memory-server needs to download mongod from
 * fastdl.mongodb.org, which is often blocked.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  // Locked before either server starts, so a second start refuses rather than falling back to the other.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  try {
    return releasedOnStop(await startAny(options), lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function releasedOnStop(server: EmbeddedMongo, lock: DataDirLock | undefined): EmbeddedMongo {
  if (!lock) return server;
  return { ...server, stop: () => server.stop().finally(() => lock.release()) };
}

async function startAny(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const log = options.log ?? (() => undefined);
  const failures: string[] = [];

  const bin = ferretdbBinary();
  if (goOnPath() || existsSync(bin)) {
    try {
      return await startFerretdbServer(options, log);
    } catch (error) {
      failures.push(`ferretdb: ${message(error)}`);
      log(`FerretDB failed, trying mongodb-memory-server: ${message(error)}`);
    }
  } else {
    failures.push(`ferretdb: 'go' is not on PATH and ${bin} does not exist`);
  }

  try {
    return await startMemoryServer(options);
  } catch (error) {
    failures.push(`mongodb-memory-server: ${message(error)}`);
  }
  throw new Error(
    `could not start an embedded MongoDB-compatible server (set MONGODB_URI to use an existing one). Tried:\n` +
      failures.map((f) => `  - ${f}`).join("\n"),
  );
}

async function startFerretdbServer(options: EmbeddedMongoOptions, log: (msg: string) => void): Promise<EmbeddedMongo> {
  const bin = await ensureFerretdbBinary(log);
  const temporary = !options.dataDir;
  const dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : mkdtempSync(path.join(os.tmpdir(), "github-connect-ferretdb-"));
  mkdirSync(dataDir, { recursive: true });
  const removeTemp = () => {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const server = await startFerretdb(bin, dataDir);
    let stopping: Promise<void> | undefined;
    return {
      uri: server.uri,
      kind: "ferretdb",
      stop: () => (stopping ??= server.stop().finally(removeTemp)),
    };
  } catch (error) {
    removeTemp();
    throw error;
  }
}

async function startMemoryServer(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  // Imported lazily: it is a devDependency, and production always has MONGODB_URI or FerretDB.
  const mod = await import("mongodb-memory-server-core").catch((error: unknown) => {
    throw new Error(`cannot import mongodb-memory-server-core (${message(error)})`);
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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
