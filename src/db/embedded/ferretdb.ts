import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import mongoose from "mongoose";
import { projectPaths } from "../../project-paths.js";
import { canConnect, findFreePort } from "./free-port.js";
import { startSupervised, type SupervisedProcess } from "./supervised-process.js";

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

function repoRoot(): string {
  return projectPaths.root;
}

export function ferretdbBinary(): string {
  const cache = process.env.GITHUB_CONNECT_CACHE || projectPaths.cache;
  return path.join(cache, "bin", "ferretdb");
}

export function goOnPath(): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || ".", "go"), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function ensureFerretdbBinary(log: (msg: string) => void): Promise<string> {
  const bin = ferretdbBinary();
  if (existsSync(bin)) return bin;
  log(`building FerretDB (first run only, takes a few minutes) into ${bin}`);
  const { stdout } = await promisify(execFile)("bash", [path.join(repoRoot(), "scripts", "build-ferretdb.sh")], {
    maxBuffer: 16 * 1024 * 1024,
  });
  log(stdout.trim());
  return bin;
}

export interface RunningFerretdb {
  uri: string;
  stop(): Promise<void>;
}

export interface FerretdbOptions {
  /** The backend's flags: `--handler=...` and its URL. */
  backend: string[];
  /** Where FerretDB keeps its state.json; by default it writes one into the working directory. */
  stateDir: string;
}

/** Starts FerretDB on a free loopback port, stopped with this process however it ends. */
export async function startFerretdb(bin: string, options: FerretdbOptions): Promise<RunningFerretdb> {
  mkdirSync(options.stateDir, { recursive: true });
  // Another process can grab the probed port before FerretDB binds it; retrying is cheaper than locking.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await findFreePort();
    const server = startSupervised(
      bin,
      [
        ...options.backend,
        `--state-dir=${options.stateDir}`,
        `--listen-addr=127.0.0.1:${port}`,
        "--telemetry=disable",
        "--debug-addr=-",
        "--log-level=warn",
      ],
      { stopSignal: "SIGTERM", graceMs: STOP_GRACE_MS },
    );
    const uri = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitUntilReady(server, port, uri);
      return { uri, stop: () => server.stop() };
    } catch (error) {
      lastError = error;
      await server.stop();
    }
  }
  throw lastError;
}

async function waitUntilReady(server: SupervisedProcess, port: number, uri: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = "port never accepted connections";
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      throw new Error(
        `ferretdb exited (${await server.exited}) before becoming ready; output tail:\n${server.output()}`,
      );
    }
    if (await canConnect("127.0.0.1", port, 500)) {
      // An open port is not enough: the wire protocol handler may still be initialising the backend.
      const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1000 });
      try {
        await client.db("admin").command({ ping: 1 });
        return;
      } catch (error) {
        lastProblem = `ping failed: ${(error as Error).message}`;
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `ferretdb not ready after ${READY_TIMEOUT_MS / 1000} s (${lastProblem}); output tail:\n${server.output()}`,
  );
}
