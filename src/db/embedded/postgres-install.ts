import { execFile, execFileSync } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/** Where Debian's `postgresql-<major>` packages put the server binaries: <root>/<major>/bin. */
export const DEBIAN_POSTGRES_ROOT = "/usr/lib/postgresql";

export interface PostgresInstall {
  /** The directory holding postgres, initdb and createdb. */
  bin: string;
  major: number;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The installed PostgreSQL to use: the one that made `clusterDir` if it is installed (a
 * cluster only opens with its own major), else the highest major. Undefined when none is.
 */
export function findPostgres(root = DEBIAN_POSTGRES_ROOT, clusterDir?: string): PostgresInstall | undefined {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  const installs = names
    .map((name) => ({ bin: path.join(root, name, "bin"), major: Number.parseFloat(name) }))
    .filter(
      ({ bin, major }) =>
        Number.isFinite(major) &&
        ["postgres", "initdb", "createdb"].every((tool) => isExecutable(path.join(bin, tool))),
    )
    .sort((a, b) => b.major - a.major);
  const made = clusterDir ? clusterMajor(clusterDir) : undefined;
  return installs.find((install) => install.major === made) ?? installs[0];
}

/** The major version that initialised a cluster (its PG_VERSION file), if it was. */
export function clusterMajor(clusterDir: string): number | undefined {
  try {
    return Number.parseFloat(readFileSync(path.join(clusterDir, "PG_VERSION"), "utf8"));
  } catch {
    return undefined;
  }
}

/** "PostgreSQL 15.18", from `postgres --version`. */
export async function postgresVersion(install: PostgresInstall): Promise<string> {
  const { stdout } = await promisify(execFile)(path.join(install.bin, "postgres"), ["--version"]);
  const version = /\(PostgreSQL\) (\S+)/.exec(stdout)?.[1];
  return version ? `PostgreSQL ${version}` : stdout.trim();
}

export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: a root process runs it as the `postgres` system user
 * (which Debian's package creates). Anyone else runs it as themselves (undefined).
 */
export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error("PostgreSQL refuses to run as root, and there is no `postgres` user to run it as");
  }
}

/**
 * The first directory above `dir` that `runAs` may not pass (search permission), if any. By uid
 * and gid alone: a child spawned with a uid drops its supplementary groups, so they grant nothing.
 */
export function directoryBarring(dir: string, runAs: RunAs): { dir: string; mode: number } | undefined {
  const above: string[] = [];
  for (let at = path.dirname(path.resolve(dir)); ; at = path.dirname(at)) {
    above.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const at of above) {
    const { uid, gid, mode } = statSync(at);
    const searchBit = uid === runAs.uid ? 0o100 : gid === runAs.gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) return { dir: at, mode: mode & 0o7777 };
  }
  return undefined;
}
