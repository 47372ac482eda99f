import { readdirSync, readFileSync } from "node:fs";

/** A process as /proc shows it; `start` (clock ticks after boot) tells a reused pid apart. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  start: string;
  args: string[];
}

function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  let args: string[] = [];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    // It exited in between.
  }
  return {
    pid,
    ppid: Number(fields[1]),
    comm: stat.slice(stat.indexOf("(") + 1, close),
    state: fields[0] ?? "",
    start: fields[19] ?? "",
    args,
  };
}

function allProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** Every process below `pid` (Linux /proc). */
export function descendantsOf(pid: number): ProcessInfo[] {
  const processes = allProcesses();
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const info of processes) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Still running: the same process (same start time), and not a zombie waiting to be reaped. */
export function isAlive(info: ProcessInfo): boolean {
  const now = readProcess(info.pid);
  return now !== undefined && now.start === info.start && now.state !== "Z";
}
