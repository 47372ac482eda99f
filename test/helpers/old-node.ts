import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { MINIMUM_NODE_MAJOR } from "../../src/node-version.js";

/**
 * A `node` older than the minimum on this machine (the system's Node 20 here, beside the Node 22
 * the tests run on), as a directory to put first on PATH; undefined if there is none.
 */
export function findOldNode(): { dir: string; version: string } | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/bin", "/usr/bin", "/bin"].filter(
    Boolean,
  );
  for (const dir of new Set(dirs)) {
    const bin = path.join(dir, "node");
    try {
      accessSync(bin, constants.X_OK);
      const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
      if (Number(version.split(".")[0]) < MINIMUM_NODE_MAJOR) return { dir, version };
    } catch {
      // Not there, or not runnable: try the next.
    }
  }
  return undefined;
}
