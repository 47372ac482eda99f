import { spawn } from "node:child_process";

/**
 * Run by `node -e` between us and a database server, so the server dies with us however we die
 * (SIGKILL included, where no exit handler runs). Its stdin is a pipe from us that nobody writes:
 * it ends when we close it (stop) or when the OS closes it because we are gone. A parent pid that
 * changes (we were reparented) also stops it. Then it sends the server its stop signal, SIGKILL
 * after the grace period, removes the server's scratch directories and exits with the server.
 * Plain JavaScript: no loader is needed.
 */
const WATCHDOG = `// github-connect database watchdog (src/db/embedded/supervised-process.ts)
const { spawn } = require("node:child_process");
const [optionsJson, command, ...args] = process.argv.slice(1);
const { signal, graceMs, uid, gid, cwd, removeOnExit } = JSON.parse(optionsJson);
const parent = process.ppid;
// A write to our stderr after the parent died must not kill us before the server is stopped.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], uid, gid, cwd });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
};
process.stdin.on("end", stop).on("error", stop).resume();
setInterval(() => { if (process.ppid !== parent) stop(); }, 500).unref();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, stop);
const finish = (code) => {
  for (const dir of removeOnExit) require("node:fs").rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
child.on("error", (error) => { process.stderr.write(command + ": " + error.message + "\\n"); finish(127); });
child.on("exit", (code, sig) => {
  if (sig && !stopping) process.stderr.write(command + " was killed by " + sig + "\\n");
  finish(code ?? 1);
});
`;

export interface SupervisedProcessOptions {
  /** The signal that asks the server for a clean, prompt shutdown. */
  stopSignal: NodeJS.Signals;
  /** How long a stop waits for that before SIGKILL. */
  graceMs: number;
  /** Run the server as this user (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Directories of this run alone (a socket directory), removed once the server has exited. */
  removeOnExit?: string[];
}

export interface SupervisedProcess {
  /** Resolves with the exit code once the server (and so its watchdog) has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** The last few KB the server wrote to stdout and stderr, for error messages. */
  output(): string;
  /** Stops the server (stop signal, then SIGKILL) and waits for it; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts `command` under a watchdog that stops it when this process exits or dies. */
export function startSupervised(command: string, args: string[], options: SupervisedProcessOptions): SupervisedProcess {
  const { stopSignal: signal, graceMs, uid, gid, cwd, removeOnExit = [] } = options;
  const watchdog = spawn(
    process.execPath,
    ["-e", WATCHDOG, JSON.stringify({ signal, graceMs, uid, gid, cwd, removeOnExit }), command, ...args],
    {
      stdio: ["pipe", "pipe", "pipe"],
      env: options.env ?? process.env,
    },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  watchdog.stdout.on("data", keep);
  watchdog.stderr.on("data", keep);
  // The pipe breaks when the watchdog is gone; that is reported through `exited`, not as an error.
  watchdog.stdin.on("error", () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    watchdog.once("exit", (code) => resolve(code));
    watchdog.once("error", (error) => {
      keep(Buffer.from(`cannot start the watchdog: ${error.message}`));
      resolve(null);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      watchdog.stdin.end();
      // The watchdog SIGKILLs the server after graceMs; this is for a watchdog that itself hangs.
      const timer = setTimeout(() => watchdog.kill("SIGKILL"), graceMs + 2000);
      await exited;
      clearTimeout(timer);
    })());
  return {
    exited,
    hasExited: () => watchdog.exitCode !== null || watchdog.signalCode !== null,
    output: () => output,
    stop,
  };
}
