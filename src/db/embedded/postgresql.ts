import { execFile } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "./free-port.js";
import {
  clusterMajor,
  directoryBarring,
  postgresRunAs,
  postgresVersion,
  type PostgresInstall,
  type RunAs,
} from "./postgres-install.js";
import { startSupervised, type SupervisedProcess } from "./supervised-process.js";

const READY_TIMEOUT_MS = 30_000;
// Fast shutdown (SIGINT) rolls back open transactions and checkpoints; a big checkpoint can take a while.
const STOP_GRACE_MS = 10_000;
const SUPERUSER = "postgres";
// English messages whatever the machine's locale: "already exists" is matched below.
const pgEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: "C", LANG: "C" });
/** For tests: their data dies with the server, so waiting for the disk buys nothing. */
const THROWAWAY_SETTINGS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

export interface PostgresOptions {
  install: PostgresInstall;
  /** The cluster's directory: initialised on first use, kept afterwards. */
  clusterDir: string;
  /** Throwaway data: no fsync (see THROWAWAY_SETTINGS). Otherwise PostgreSQL's defaults. */
  throwaway: boolean;
  log?: (msg: string) => void;
}

export interface RunningPostgres {
  /** "PostgreSQL 15.18" */
  version: string;
  port: number;
  /** The Unix socket directory, this server's own. */
  socketDir: string;
  /** A libpq/pgx URL for `database` over the Unix socket, as the superuser. */
  urlFor(database: string): string;
  /** Creates a database unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function ownedBy(dir: string, runAs: RunAs | undefined): void {
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
}

/**
 * initdb into a scratch directory renamed into place when done, so a run killed half-way
 * leaves no half-made cluster that PostgreSQL would refuse to open.
 */
async function initCluster(options: PostgresOptions, runAs: RunAs | undefined): Promise<void> {
  const { install, clusterDir } = options;
  const scratch = `${clusterDir}.init`;
  const parent = path.dirname(clusterDir);
  // The postgres user must pass through the data directory (mkdtemp makes it 0700): search only, no listing.
  if (runAs) chmodSync(parent, statSync(parent).mode | 0o001);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  ownedBy(scratch, runAs);
  // trust: the same reach as FerretDB itself, which serves anyone on loopback without a password.
  const args = ["-D", scratch, `--username=${SUPERUSER}`, "--auth=trust", "--encoding=UTF8", "--locale=C"];
  if (options.throwaway) args.push("--no-sync");
  try {
    await promisify(execFile)(path.join(install.bin, "initdb"), args, { ...runAs, cwd: "/", env: pgEnv() });
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    const hint =
      runAs && stderr.includes("Permission denied")
        ? ` (it runs as the postgres user: each directory above ${parent} must let others pass, chmod o+x)`
        : "";
    throw new Error(`initdb failed: ${stderr}${hint}`);
  }
  renameSync(scratch, clusterDir);
}

/**
 * Said before initdb: otherwise it fails half-way with "Permission denied". The data directory
 * itself is ours to open (initCluster lets others pass it); the directories above it are the operator's.
 */
function refuseUnreachable(clusterDir: string, runAs: RunAs): void {
  const barring = directoryBarring(path.dirname(clusterDir), runAs);
  if (!barring) return;
  const mode = barring.mode.toString(8).padStart(4, "0");
  throw new Error(
    `the postgres user (PostgreSQL refuses to run as root) cannot reach ${clusterDir}: ${barring.dir} (mode ${mode}) does not let it pass; run chmod o+x ${barring.dir}, or keep the data directory under directories that let others pass`,
  );
}

/** PostgreSQL writes its status on line 8 of postmaster.pid; line 5 names the socket directory, ours alone. */
function isReady(clusterDir: string, socketDir: string): boolean {
  try {
    const lines = readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8").split("\n");
    return lines[4] === socketDir && lines[7]?.trim() === "ready";
  } catch {
    return false;
  }
}

async function waitUntilReady(server: SupervisedProcess, clusterDir: string, socketDir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited())
      throw new Error(`postgres exited (${await server.exited}) before becoming ready:\n${server.output()}`);
    if (isReady(clusterDir, socketDir)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres not ready after ${READY_TIMEOUT_MS / 1000} s:\n${server.output()}`);
}

/**
 * Starts PostgreSQL on a free loopback port and a socket directory of its own, initialising
 * the cluster on first use; as the `postgres` user when this process is root.
 */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const { install, clusterDir } = options;
  const runAs = postgresRunAs();
  if (runAs) refuseUnreachable(clusterDir, runAs);
  const made = clusterMajor(clusterDir);
  if (made === undefined) {
    options.log?.(`initialising a PostgreSQL ${install.major} cluster in ${clusterDir}`);
    await initCluster(options, runAs);
  } else if (made !== install.major) {
    throw new Error(
      `${clusterDir} was made by PostgreSQL ${made}, but only ${install.major} is installed: install ${made}, or move the directory away`,
    );
  }
  const version = await postgresVersion(install);

  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    // Short and our own: a socket path is limited to ~100 bytes, and a shared directory could hold another server's.
    const socketDir = mkdtempSync(path.join(os.tmpdir(), "github-connect-pg-"));
    ownedBy(socketDir, runAs);
    chmodSync(socketDir, 0o700);
    const port = await findFreePort();
    const args = ["-D", clusterDir, "-p", String(port), "-h", "127.0.0.1", "-k", socketDir];
    if (options.throwaway) args.push(...THROWAWAY_SETTINGS.flatMap((setting) => ["-c", setting]));
    const server = startSupervised(path.join(install.bin, "postgres"), args, {
      stopSignal: "SIGINT",
      graceMs: STOP_GRACE_MS,
      ...runAs,
      cwd: "/",
      env: pgEnv(),
      removeOnExit: [socketDir],
    });
    const stop = () => server.stop();
    try {
      await waitUntilReady(server, clusterDir, socketDir);
    } catch (error) {
      lastError = error;
      await stop();
      // Another process took the probed port: try another. Anything else will not get better.
      if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(String(error))) continue;
      throw error;
    }
    const urlFor = (database: string) =>
      `postgres://${SUPERUSER}@/${database}?${new URLSearchParams({ host: socketDir, port: String(port) })}`;
    const ensureDatabase = async (name: string) => {
      try {
        await promisify(execFile)(
          path.join(install.bin, "createdb"),
          ["-h", socketDir, "-p", String(port), "-U", SUPERUSER, name],
          { env: pgEnv() },
        );
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? "";
        if (!stderr.includes("already exists"))
          throw new Error(`createdb ${name} failed: ${stderr.trim() || (error as Error).message}`);
      }
    };
    return { version, port, socketDir, urlFor, ensureDatabase, stop };
  }
  throw lastError;
}
