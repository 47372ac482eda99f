import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export const LOCK_FILE = "github-connect.lock";

/** Two database servers on one set of files would corrupt them: the second start stops instead. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another GitHub Connect (pid ${pid}) uses the data directory ${dataDir}: stop it first, or set MONGODB_URI to use another database`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

/** Directories locked by this process. Our own pid in a lock file not listed here is a previous process's (pids are reused, e.g. pid 1 in a container). */
const heldHere = new Set<string>();

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when the process that locked `dataDir` is gone without releasing it (a crash, a kill -9). */
export function isAbandoned(dataDir: string): boolean {
  const dir = path.resolve(dataDir);
  const pid = holderOf(path.join(dir, LOCK_FILE));
  if (pid === undefined) return false;
  return pid === process.pid ? !heldHere.has(dir) : !isRunning(pid);
}

/**
 * Claims `dataDir` for this process with a lock file holding its pid. A lock whose process is
 * gone (a crash, a kill -9) is taken over; a live one throws DataDirInUseError.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = holderOf(file);
      const live = pid !== undefined && (pid === process.pid ? heldHere.has(dir) : isRunning(pid));
      if (live) throw new DataDirInUseError(dir, pid);
      rmSync(file, { force: true });
      continue;
    }
    heldHere.add(dir);
    const release = () => {
      process.removeListener("exit", release);
      if (!heldHere.delete(dir)) return;
      if (holderOf(file) === process.pid) rmSync(file, { force: true });
    };
    // A normal exit frees the directory at once; after a crash the dead pid lets the next start take over.
    process.once("exit", release);
    return { release };
  }
  throw new Error(`cannot lock the data directory ${dir}: ${file} keeps reappearing`);
}
