import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "./app-credentials.js";
import { testDatabaseName, withDatabaseName } from "./database.js";

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts the server as a real process, as an operator would. The environment is only PATH, HOME,
 * LOG_FORMAT=json (for waitForUrl) and `env`: nothing of the test runner's leaks in.
 */
export function spawnServer(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): ServerProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_FORMAT: "json", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/**
 * A complete environment for the App's server as a process on this test file's database: any port,
 * the test App's credentials, and no .env of the checkout read (dotenv looks in `cwd`, an empty
 * directory of the test's). `extra` adds or overrides.
 */
export function appServerEnv(cwd: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "development",
    PORT: "0",
    LOG_LEVEL: "info",
    MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()),
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    DOTENV_CONFIG_PATH: path.join(cwd, ".env"),
    ...extra,
  };
}

/** The URL the server logs once it listens; throws with its output if it exits or is silent for 30 s. */
export async function waitForUrl(server: ServerProcess, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = server.output().match(/"url":"(http:\/\/localhost:\d+)"/);
    if (match) return match[1]!;
    const done = await Promise.race([
      server.exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 100)),
    ]);
    if (done) break;
  }
  throw new Error(`the server did not start:\n${server.output()}`);
}
