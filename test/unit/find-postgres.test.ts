import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { directoryBarring, findPostgres } from "../../src/db/embedded/postgres-install.js";

// A fake /usr/lib/postgresql: <major>/bin with the three tools the harness runs.
const root = mkdtempSync(path.join(os.tmpdir(), "github-connect-pg-root-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function install(name: string, tools = ["postgres", "initdb", "createdb"]): void {
  const bin = path.join(root, name, "bin");
  mkdirSync(bin, { recursive: true });
  for (const tool of tools) {
    writeFileSync(path.join(bin, tool), "#!/bin/sh\n");
    chmodSync(path.join(bin, tool), 0o755);
  }
}

describe("which installed PostgreSQL the embedded database uses", () => {
  test("none installed: none", () => {
    expect(findPostgres(path.join(root, "absent"))).toBeUndefined();
  });

  test("the highest major, compared as numbers (9.6 is older than 13), skipping one without its server binaries", () => {
    install("9.6");
    install("13");
    install("15");
    install("17", ["psql"]);
    expect(findPostgres(root)).toEqual({ bin: path.join(root, "15", "bin"), major: 15 });
  });

  test("an existing cluster keeps the major that made it, when that one is installed", () => {
    const cluster = path.join(root, "cluster");
    mkdirSync(cluster);
    writeFileSync(path.join(cluster, "PG_VERSION"), "13\n");
    expect(findPostgres(root, cluster)?.major).toBe(13);
    writeFileSync(path.join(cluster, "PG_VERSION"), "12\n");
    expect(findPostgres(root, cluster)?.major).toBe(15);
  });
});

describe("whether the postgres user can reach a directory (root runs PostgreSQL as it)", () => {
  const postgresUser = { uid: 54321, gid: 54321 };
  const base = mkdtempSync(path.join(os.tmpdir(), "github-connect-reach-")); // 0700, this process's own
  const dataDir = path.join(base, "checkout", ".data");
  mkdirSync(dataDir, { recursive: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test("a 0700 directory above it bars the way, and is named with its mode", () => {
    chmodSync(base, 0o700);
    expect(directoryBarring(path.join(dataDir, "mongo"), postgresUser)).toEqual({ dir: base, mode: 0o700 });
  });

  test("once every directory above lets others pass, nothing does", () => {
    chmodSync(base, 0o711);
    expect(directoryBarring(path.join(dataDir, "mongo"), postgresUser)).toBeUndefined();
  });

  test.skipIf(process.getuid?.() !== 0)("its owner is held to the owner's bits, whatever others may do", () => {
    chownSync(base, postgresUser.uid, postgresUser.gid);
    chmodSync(base, 0o611);
    try {
      expect(directoryBarring(path.join(dataDir, "mongo"), postgresUser)).toEqual({ dir: base, mode: 0o611 });
    } finally {
      chmodSync(base, 0o711);
      chownSync(base, 0, 0);
    }
  });
});
