import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import { afterAll, describe, expect, test } from "vitest";
import type { EmbeddedKind } from "../../src/db/embedded/embedded-kind.js";
import { startEmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";
import { findPostgres } from "../../src/db/embedded/postgres-install.js";
import { descendantsOf, isAlive, type ProcessInfo } from "../helpers/process-tree.js";

// However the process that started the database ends, no postgres or ferretdb outlives it:
// a crashed test run or a killed `npm start` must not leave servers holding ports and files.
const root = fileURLToPath(new URL("../../", import.meta.url));
const script = path.join(root, "test/helpers/embedded-database-process.ts");
const dirs: string[] = [];
const trees: ProcessInfo[][] = [];
const parents: ChildProcess[] = [];

afterAll(() => {
  // Only if a test failed: leave nothing behind for the next run.
  for (const info of trees.flat()) if (isAlive(info)) process.kill(info.pid, "SIGKILL");
  for (const parent of parents) parent.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Ending = "SIGKILL to the parent" | "SIGTERM to the parent" | "Ctrl-C (SIGINT to its process group)";

async function startParent(
  kind: EmbeddedKind,
  dataDir: string,
  ending: Ending,
): Promise<{ parent: ChildProcess; uri: string }> {
  const parent = spawn(process.execPath, ["--import", "tsx", script, kind, dataDir], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as a terminal's foreground job is, for Ctrl-C to reach all of it.
    detached: ending.startsWith("Ctrl-C"),
  });
  parents.push(parent);
  let output = "";
  parent.stderr!.on("data", (chunk) => (output += chunk));
  const uri = await new Promise<string>((resolve, reject) => {
    parent.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /\{"uri":"([^"]+)"\}/.exec(output);
      if (match) resolve(match[1]!);
    });
    parent.once("exit", (code) =>
      reject(new Error(`the parent exited (${code}) before its database was ready:\n${output}`)),
    );
  });
  return { parent, uri };
}

function end(parent: ChildProcess, ending: Ending): void {
  if (ending === "SIGKILL to the parent") parent.kill("SIGKILL");
  else if (ending === "SIGTERM to the parent") parent.kill("SIGTERM");
  else process.kill(-parent.pid!, "SIGINT");
}

async function survivorsAfter(tree: ProcessInfo[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = tree.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive.map((info) => `${info.pid} ${info.comm}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A value of `--flag=value` or `-f value` on a process's command line. */
function argument(tree: ProcessInfo[], comm: string, flag: string): string | undefined {
  for (const info of tree.filter((p) => p.comm === comm)) {
    const index = info.args.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
    if (index >= 0)
      return info.args[index]!.includes("=") ? info.args[index]!.slice(flag.length + 1) : info.args[index + 1];
  }
  return undefined;
}

const postgresInstalled = findPostgres() !== undefined;
const cases: Array<{ kind: EmbeddedKind; ending: Ending; data: "temporary" | "kept" }> = [
  // A crashed test run: the global set-up's database lives in a temporary directory.
  { kind: "ferretdb-postgresql", ending: "SIGKILL to the parent", data: "temporary" },
  // `npm start` stopped from outside or with Ctrl-C before its handlers ran.
  { kind: "ferretdb-postgresql", ending: "SIGTERM to the parent", data: "kept" },
  { kind: "ferretdb-postgresql", ending: "Ctrl-C (SIGINT to its process group)", data: "kept" },
  { kind: "ferretdb-sqlite", ending: "SIGKILL to the parent", data: "temporary" },
];

describe.skipIf(process.platform !== "linux")("no embedded database outlives its parent", () => {
  test.for(cases)(
    "$kind with $data data, $ending: every process it started is gone within 5 s",
    { timeout: 90_000 },
    async ({ kind, ending, data }, context) => {
      if (kind === "ferretdb-postgresql" && !postgresInstalled) context.skip("PostgreSQL is not installed");
      const dataDir = data === "kept" ? mkdtempSync(path.join(os.tmpdir(), "github-connect-orphans-")) : "";
      if (dataDir) dirs.push(dataDir);
      const { parent, uri } = await startParent(kind, dataDir, ending);
      const tree = descendantsOf(parent.pid!);
      trees.push(tree);
      const names = tree.map((info) => info.comm);
      expect(names).toContain("ferretdb");
      if (kind === "ferretdb-postgresql") expect(names).toContain("postgres");
      const workDir = path.dirname(argument(tree, "ferretdb", "--state-dir")!);
      const socketDir = argument(tree, "postgres", "-k");

      end(parent, ending);
      expect(await survivorsAfter(tree, 5000)).toEqual([]);

      // Nothing holds the port, the data-dir lock or PostgreSQL's postmaster.pid any more.
      const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500 });
      await expect(client.db("admin").command({ ping: 1 })).rejects.toThrow();
      await client.close();
      if (socketDir) expect(existsSync(socketDir)).toBe(false);
      const again = await startEmbeddedMongo({ kind, dataDir: dataDir || undefined });
      await again.stop();
      // The next start deleted the temporary directory the dead parent left.
      expect(existsSync(workDir)).toBe(data === "kept");
    },
  );
});
