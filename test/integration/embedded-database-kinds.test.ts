import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { EMBEDDED_DB_VARIABLE, EMBEDDED_KINDS, type EmbeddedKind } from "../../src/db/embedded/embedded-kind.js";
import {
  SQLITE_IS_FOR_TRYING_OUT,
  startEmbeddedMongo,
  type EmbeddedMongo,
} from "../../src/db/embedded/embedded-mongo.js";
import { findPostgres } from "../../src/db/embedded/postgres-install.js";

// Each embedded kind, forced as GITHUB_CONNECT_EMBEDDED_DB would force it, starts and serves.
const postgresInstalled = findPostgres() !== undefined;
const started: EmbeddedMongo[] = [];
const dirs: string[] = [];

// The run may itself be forced to one kind (GITHUB_CONNECT_EMBEDDED_DB): these tests choose their own.
const forcedForTheRun = process.env[EMBEDDED_DB_VARIABLE];
beforeEach(() => {
  delete process.env[EMBEDDED_DB_VARIABLE];
});
afterEach(() => {
  delete process.env.MONGOMS_MAX_RETRIES;
});
afterAll(async () => {
  if (forcedForTheRun !== undefined) process.env[EMBEDDED_DB_VARIABLE] = forcedForTheRun;
  await Promise.all(started.map((server) => server.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function roundTrip(server: EmbeddedMongo): Promise<unknown> {
  const client = new mongoose.mongo.MongoClient(`${server.uri}kinds`, { serverSelectionTimeoutMS: 5000 });
  try {
    const widgets = client.db().collection("widgets");
    await widgets.insertOne({ key: server.kind });
    return (await widgets.findOne({ key: server.kind }, { projection: { _id: 0 } })) ?? undefined;
  } finally {
    await client.close();
  }
}

/** mongod comes from fastdl.mongodb.org, which is often out of reach: that alone skips its test. */
function isMongodDownloadFailure(error: unknown): boolean {
  return /Download failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(String((error as Error)?.message ?? error));
}

describe("the embedded database kinds", () => {
  test.for(EMBEDDED_KINDS)(
    "%s starts, answers a write and a read, and stops",
    { timeout: 60_000 },
    async (kind: EmbeddedKind, context) => {
      if (kind === "ferretdb-postgresql" && !postgresInstalled) context.skip("PostgreSQL is not installed");
      // One try instead of three: the test only needs to know whether mongod can be had.
      if (kind === "mongodb-memory-server") process.env.MONGOMS_MAX_RETRIES = "0";
      let server: EmbeddedMongo;
      try {
        server = await startEmbeddedMongo({ kind });
      } catch (error) {
        if (kind === "mongodb-memory-server" && isMongodDownloadFailure(error))
          context.skip(`mongod cannot be downloaded here`);
        throw error;
      }
      started.push(server);
      expect(server.kind).toBe(kind);
      expect(await roundTrip(server)).toEqual({ key: kind });
      await server.stop();
    },
  );

  test("GITHUB_CONNECT_EMBEDDED_DB picks the kind", async () => {
    process.env[EMBEDDED_DB_VARIABLE] = "ferretdb-sqlite";
    const server = await startEmbeddedMongo();
    started.push(server);
    expect(server.kind).toBe("ferretdb-sqlite");
    await server.stop();
  }, 60_000);

  test("GITHUB_CONNECT_EMBEDDED_DB with an unknown kind names the ones there are", async () => {
    process.env[EMBEDDED_DB_VARIABLE] = "postgres";
    await expect(startEmbeddedMongo()).rejects.toThrow(
      `${EMBEDDED_DB_VARIABLE} must be one of ferretdb-postgresql, ferretdb-sqlite, mongodb-memory-server, got "postgres"`,
    );
  });

  test("without PostgreSQL the first choice falls back to FerretDB on SQLite, saying why", async () => {
    const lines: string[] = [];
    const server = await startEmbeddedMongo({
      postgresRoot: tempDir("github-connect-no-pg-"),
      log: (line) => lines.push(line),
    });
    started.push(server);
    expect(server.kind).toBe("ferretdb-sqlite");
    expect(lines.join("\n")).toContain(
      "ferretdb-postgresql could not start, trying ferretdb-sqlite: no PostgreSQL server binaries in",
    );
    expect(await roundTrip(server)).toEqual({ key: "ferretdb-sqlite" });
    await server.stop();
  }, 60_000);

  test("FerretDB on SQLite warns as it starts that it is for trying the app out, not for real data", async () => {
    const warnings: string[] = [];
    const server = await startEmbeddedMongo({ kind: "ferretdb-sqlite", warn: (line) => warnings.push(line) });
    started.push(server);
    expect(warnings).toEqual([SQLITE_IS_FOR_TRYING_OUT]);
    await server.stop();
  }, 60_000);

  test("a forced kind that cannot start is an error, not a fallback", async () => {
    await expect(
      startEmbeddedMongo({ kind: "ferretdb-postgresql", postgresRoot: tempDir("github-connect-no-pg-") }),
    ).rejects.toThrow(/Tried:\n {2}- ferretdb-postgresql: no PostgreSQL server binaries in .*$/);
  });
});

// Root runs PostgreSQL as the postgres user, which must pass through every directory above the cluster.
describe.skipIf(!postgresInstalled || process.getuid?.() !== 0)(
  "a data directory the postgres user cannot reach",
  () => {
    test("under a 0700 directory (as mktemp -d makes) it falls back to SQLite with a warning naming the directory and the fix", async () => {
      const closed = tempDir("github-connect-closed-"); // mkdtemp: 0700, owned by root
      const dataDir = path.join(closed, "checkout", ".data", "mongo");
      const infos: string[] = [];
      const warnings: string[] = [];
      const server = await startEmbeddedMongo({
        dataDir,
        log: (line) => infos.push(line),
        warn: (line) => warnings.push(line),
      });
      started.push(server);
      expect(server.kind).toBe("ferretdb-sqlite");
      expect(warnings).toEqual([
        `ferretdb-postgresql could not start, trying ferretdb-sqlite: the postgres user (PostgreSQL refuses to run as root) cannot reach ${path.join(dataDir, "postgresql")}: ${closed} (mode 0700) does not let it pass; run chmod o+x ${closed}, or keep the data directory under directories that let others pass`,
        SQLITE_IS_FOR_TRYING_OUT,
      ]);
      // Nothing was made for PostgreSQL: the directory is left as it was.
      expect(readdirSync(dataDir)).not.toContain("postgresql");
      expect(await roundTrip(server)).toEqual({ key: "ferretdb-sqlite" });
      await server.stop();
    }, 60_000);
  },
);

describe.skipIf(!postgresInstalled)("npm start's data on FerretDB with PostgreSQL", () => {
  test("survives a restart: start, write, stop, start, read; FerretDB's state stays in the data directory", async () => {
    const dataDir = tempDir("github-connect-durable-");
    const first = await startEmbeddedMongo({ dataDir, kind: "ferretdb-postgresql" });
    started.push(first);
    expect(await roundTrip(first)).toEqual({ key: "ferretdb-postgresql" });
    await first.stop();

    const second = await startEmbeddedMongo({ dataDir, kind: "ferretdb-postgresql" });
    started.push(second);
    const client = new mongoose.mongo.MongoClient(`${second.uri}kinds`, { serverSelectionTimeoutMS: 5000 });
    try {
      expect(await client.db().collection("widgets").countDocuments({ key: "ferretdb-postgresql" })).toBe(1);
    } finally {
      await client.close();
    }
    await second.stop();
    expect(readdirSync(dataDir).sort()).toEqual(["ferretdb", "postgresql"]);
    expect(existsSync(path.join(dataDir, "ferretdb", "state.json"))).toBe(true);
  }, 60_000);
});
