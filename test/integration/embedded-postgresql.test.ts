import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { findPostgres } from "../../src/db/embedded/postgres-install.js";
import { startPostgres, type RunningPostgres } from "../../src/db/embedded/postgresql.js";

const install = findPostgres();
const dir = mkdtempSync(path.join(os.tmpdir(), "github-connect-pg-settings-"));
const started: RunningPostgres[] = [];

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function query(server: RunningPostgres, sql: string, database = "postgres"): Promise<string> {
  const psql = path.join(install!.bin, "psql");
  const { stdout } = await promisify(execFile)(psql, [
    "-h",
    server.socketDir,
    "-p",
    String(server.port),
    "-U",
    "postgres",
    "-Atc",
    sql,
    database,
  ]);
  return stdout.trim();
}

const show = (server: RunningPostgres, setting: string) => query(server, `SHOW ${setting}`);

describe.skipIf(!install)("the embedded PostgreSQL", () => {
  test("tests' throwaway data skips the disk (fsync, synchronous_commit, full_page_writes off); npm start's keeps the defaults", async () => {
    const [throwaway, durable] = await Promise.all([
      startPostgres({ install: install!, clusterDir: path.join(dir, "throwaway"), throwaway: true }),
      startPostgres({ install: install!, clusterDir: path.join(dir, "durable"), throwaway: false }),
    ]);
    started.push(throwaway, durable);
    for (const setting of ["fsync", "synchronous_commit", "full_page_writes"]) {
      expect(await show(throwaway, setting)).toBe("off");
      expect(await show(durable, setting)).toBe("on");
    }
    // Loopback only, and a socket directory of its own.
    expect(await show(durable, "listen_addresses")).toBe("127.0.0.1");
    expect(await show(durable, "unix_socket_directories")).toBe(durable.socketDir);
  }, 60_000);

  test("creating the database twice (every start of npm start's data) is harmless", async () => {
    const server = started[0]!;
    await server.ensureDatabase("ferretdb");
    await server.ensureDatabase("ferretdb");
    expect(await query(server, "SELECT current_database()", "ferretdb")).toBe("ferretdb");
  });
});
