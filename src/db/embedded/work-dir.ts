import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isAbandoned, LOCK_FILE, lockDataDir } from "./data-dir-lock.js";

const TEMP_PREFIX = "github-connect-db-";
/** A temporary directory with no lock yet is being made, unless it has been so for this long. */
const UNLOCKED_GRACE_MS = 60_000;

export interface WorkDir {
  dir: string;
  /** A temporary directory: its data dies with the server, and remove() deletes it. */
  throwaway: boolean;
  remove(): void;
}

/**
 * The caller's data directory (kept; its caller holds the lock), or a temporary one of our own,
 * locked like any data directory so that one a crashed run left (a PostgreSQL cluster is ~40 MB)
 * is recognised and deleted by the next start.
 */
export function workDir(dataDir: string | undefined): WorkDir {
  if (dataDir) {
    const dir = path.resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    return { dir, throwaway: false, remove: () => undefined };
  }
  removeAbandoned(os.tmpdir());
  const dir = mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  const lock = lockDataDir(dir);
  // mkdtemp makes it 0700; PostgreSQL, run as its own user under root, must reach its cluster inside.
  chmodSync(dir, 0o711);
  return {
    dir,
    throwaway: true,
    remove: () => {
      lock.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function removeAbandoned(tmp: string): void {
  for (const name of readdirSync(tmp)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      const unlockedTooLong =
        !readdirSync(dir).includes(LOCK_FILE) && Date.now() - statSync(dir).mtimeMs > UNLOCKED_GRACE_MS;
      if (isAbandoned(dir) || unlockedTooLong) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another start removed it first, or it is not ours to read.
    }
  }
}
