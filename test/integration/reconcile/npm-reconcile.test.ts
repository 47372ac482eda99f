import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createModels } from "../../../src/models/index.js";
import { projectPaths } from "../../../src/project-paths.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { spawnServer } from "../../helpers/server-process.js";
import { testEnv } from "../../helpers/test-config.js";

// What `npm run reconcile` runs (tsx src/reconcile-main.ts), as a real process: its exit codes.
const root = projectPaths.root;
// A working directory with no .env: nothing of a developer's own configuration leaks in.
const cwd = mkdtempSync(path.join(os.tmpdir(), "github-connect-reconcile-"));
let connection: Connection;

beforeAll(async () => {
  connection = await connectTestDatabase();
});
afterAll(async () => {
  await dropAndClose(connection);
  rmSync(cwd, { recursive: true, force: true });
});

function reconcile(env: Record<string, string | undefined>) {
  const defined = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return spawnServer(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "src/reconcile-main.ts")], {
    cwd,
    env: defined,
  });
}

test("another run holding the lease: it says so and exits 0", async () => {
  await createModels(connection).JobLease.create({
    name: "reconcile",
    holder: "cron-on-another-host",
    acquiredAt: new Date(),
    expiresAt: new Date(Date.now() + 60_000),
  });
  const run = reconcile(
    testEnv({ LOG_LEVEL: "info", MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }),
  );
  expect(await run.exited, run.output()).toBe(0);
  expect(run.output()).toContain("another run holds the lease");
  expect(run.output()).toContain("cron-on-another-host");
}, 30_000);

test("it cannot run without a database of its own: exit code 1 naming the variable", async () => {
  const run = reconcile(testEnv({ MONGODB_URI: undefined }));
  expect(await run.exited).toBe(1);
  expect(run.output()).toContain("Configuration error: MONGODB_URI is required");
}, 30_000);
