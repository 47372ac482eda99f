import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { findPostgres } from "../../src/db/embedded/postgres-install.js";

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
