import { messageOf } from "../../lib/error-details.js";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { EMBEDDED_KINDS, embeddedKindFromEnv, type EmbeddedKind } from "./embedded-kind.js";
import { startFerretdbPostgresql, startFerretdbSqlite } from "./ferretdb-servers.js";
import { startMemoryServer } from "./memory-server.js";

export interface EmbeddedMongo {
  uri: string;
  kind: EmbeddedKind;
  /** What keeps the data, when worth naming: "PostgreSQL 15.18". */
  backend?: string;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  /**
   * Persistent data directory (kept on stop), used by one server at a time: a second start on it
   * throws DataDirInUseError. Without it a temp dir is used, removed on stop, and its data is
   * treated as throwaway (PostgreSQL without fsync).
   */
  dataDir?: string;
  /** Only this kind, no fallback. Default: GITHUB_CONNECT_EMBEDDED_DB, else the first kind that starts. */
  kind?: EmbeddedKind;
  /** Where PostgreSQL's server binaries are looked for (default Debian's /usr/lib/postgresql). */
  postgresRoot?: string;
  log?: (msg: string) => void;
  /** What the operator should see and may fix: a fallback and why, SQLite's caveat. Default: `log`. */
  warn?: (msg: string) => void;
}

/** Said whenever FerretDB on SQLite starts: its queries scan every organization's documents. */
export const SQLITE_IS_FOR_TRYING_OUT =
  "FerretDB on SQLite is for trying the app out, not for real data: each query reads every organization's documents, so one organization's page slows as all of them grow. For real data install PostgreSQL (Debian: apt-get install postgresql) or set MONGODB_URI";

export type StartEmbedded = (options: EmbeddedMongoOptions, log: (msg: string) => void) => Promise<EmbeddedMongo>;

const STARTERS: Record<EmbeddedKind, StartEmbedded> = {
  "ferretdb-postgresql": startFerretdbPostgresql,
  "ferretdb-sqlite": startFerretdbSqlite,
  "mongodb-memory-server": startMemoryServer,
};

/**
 * Starts a local MongoDB-compatible server for development and tests, the first of these that
 * can run here: FerretDB on PostgreSQL (the closest to a production database, and the fastest),
 * FerretDB on SQLite where PostgreSQL is not installed or cannot start (for trying the app out only), then mongodb-memory-server where Go is
 * missing too (it downloads mongod from fastdl.mongodb.org, which is often blocked). FerretDB is
 * built from the Go module proxy on first use.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const only = options.kind ?? embeddedKindFromEnv(process.env);
  // Locked before any server starts, so a second start refuses rather than falling back to another kind.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  try {
    return releasedOnStop(await startFirst(only ? [only] : EMBEDDED_KINDS, options), lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function releasedOnStop(server: EmbeddedMongo, lock: DataDirLock | undefined): EmbeddedMongo {
  if (!lock) return server;
  return { ...server, stop: () => server.stop().finally(() => lock.release()) };
}

async function startFirst(kinds: readonly EmbeddedKind[], options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const log = options.log ?? (() => undefined);
  const warn = options.warn ?? log;
  const failures: string[] = [];
  for (const [index, kind] of kinds.entries()) {
    let server: EmbeddedMongo;
    try {
      server = await STARTERS[kind](options, log);
    } catch (error) {
      failures.push(`${kind}: ${messageOf(error)}`);
      const next = kinds[index + 1];
      if (next) warn(`${kind} could not start, trying ${next}: ${messageOf(error)}`);
      continue;
    }
    if (server.kind === "ferretdb-sqlite") warn(SQLITE_IS_FOR_TRYING_OUT);
    return server;
  }
  throw new Error(
    `could not start an embedded MongoDB-compatible server (set MONGODB_URI to use an existing one). Tried:\n` +
      failures.map((f) => `  - ${f}`).join("\n"),
  );
}
