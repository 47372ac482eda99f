import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { afterAll, describe, expect, test } from "vitest";
import { DataDirInUseError, LOCK_FILE } from "../../src/db/embedded/data-dir-lock.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";

// `npm start` keeps its database in one directory: one server on those files at a time.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "github-connect-lock-"));
const started: EmbeddedMongo[] = [];

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<EmbeddedMongo> {
  const server = await startEmbeddedMongo({ dataDir });
  started.push(server);
  return server;
}

async function answers(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db("admin").command({ ping: 1 });
    return true;
  } finally {
    await client.close();
  }
}

describe("one embedded database per data directory", () => {
  test("a second start on the same data directory refuses, saying another GitHub Connect uses it; after the first stops, a start works", async () => {
    const first = await start();
    expect(readFileSync(path.join(dataDir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));

    const second = startEmbeddedMongo({ dataDir });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(
      `Another GitHub Connect (pid ${process.pid}) uses the data directory ${dataDir}: stop it first, or set MONGODB_URI to use another database`,
    );
    // The refusal stopped nothing of the first.
    expect(await answers(first.uri)).toBe(true);

    await first.stop();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    const again = await start();
    expect(await answers(again.uri)).toBe(true);
    await again.stop();
  }, 60_000);

  test("a lock left by a process that is gone is taken over", async () => {
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    writeFileSync(path.join(dataDir, LOCK_FILE), `${gone.pid}\n`);

    const server = await start();
    expect(readFileSync(path.join(dataDir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    expect(await answers(server.uri)).toBe(true);
    await server.stop();
  }, 60_000);
});
