import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { EmbeddedMongo, EmbeddedMongoOptions } from "./embedded-mongo.js";
import { ensureFerretdbBinary, ferretdbBinary, goOnPath, startFerretdb } from "./ferretdb.js";
import { DEBIAN_POSTGRES_ROOT, findPostgres } from "./postgres-install.js";
import { startPostgres, type RunningPostgres } from "./postgresql.js";
import { workDir } from "./work-dir.js";

// Inside the data directory: PostgreSQL's cluster, and FerretDB's state.json. The SQLite files
// stay at its top, where earlier versions put them.
const CLUSTER_DIR = "postgresql";
const STATE_DIR = "ferretdb";
const FERRETDB_DATABASE = "ferretdb";

/** The FerretDB binary, built on first use; fails at once where it can be neither found nor built. */
async function ferretdb(log: (msg: string) => void): Promise<string> {
  const bin = ferretdbBinary();
  if (!existsSync(bin) && !goOnPath()) throw new Error(`'go' is not on PATH and ${bin} does not exist`);
  return ensureFerretdbBinary(log);
}

/** FerretDB on a PostgreSQL of its own, in `<dataDir>/postgresql`. */
export async function startFerretdbPostgresql(
  options: EmbeddedMongoOptions,
  log: (msg: string) => void,
): Promise<EmbeddedMongo> {
  const root = options.postgresRoot ?? DEBIAN_POSTGRES_ROOT;
  const work = workDir(options.dataDir);
  const clusterDir = path.join(work.dir, CLUSTER_DIR);
  let postgres: RunningPostgres | undefined;
  try {
    const install = findPostgres(root, clusterDir);
    if (!install)
      throw new Error(`no PostgreSQL server binaries in ${root}/<major>/bin (Debian: apt-get install postgresql)`);
    const bin = await ferretdb(log);
    postgres = await startPostgres({ install, clusterDir, throwaway: work.throwaway, log });
    await postgres.ensureDatabase(FERRETDB_DATABASE);
    const server = await startFerretdb(bin, {
      backend: ["--handler=postgresql", `--postgresql-url=${postgres.urlFor(FERRETDB_DATABASE)}`],
      stateDir: path.join(work.dir, STATE_DIR),
    });
    const running = postgres;
    let stopping: Promise<void> | undefined;
    const stop = async () => {
      // FerretDB first: it is PostgreSQL's only client.
      await server.stop();
      await running.stop();
      work.remove();
    };
    return {
      uri: server.uri,
      kind: "ferretdb-postgresql",
      backend: postgres.version,
      stop: () => (stopping ??= stop()),
    };
  } catch (error) {
    await postgres?.stop();
    work.remove();
    throw error;
  }
}

/** FerretDB on SQLite files at the top of the data directory. */
export async function startFerretdbSqlite(
  options: EmbeddedMongoOptions,
  log: (msg: string) => void,
): Promise<EmbeddedMongo> {
  const work = workDir(options.dataDir);
  try {
    const bin = await ferretdb(log);
    const server = await startFerretdb(bin, {
      backend: ["--handler=sqlite", `--sqlite-url=${pathToFileURL(work.dir + path.sep).href}`],
      stateDir: path.join(work.dir, STATE_DIR),
    });
    let stopping: Promise<void> | undefined;
    return {
      uri: server.uri,
      kind: "ferretdb-sqlite",
      backend: "SQLite",
      stop: () => (stopping ??= server.stop().finally(() => work.remove())),
    };
  } catch (error) {
    work.remove();
    throw error;
  }
}
