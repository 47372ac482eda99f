import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface RunningChild {
  /** The JSON object the child printed on its first stdout line (e.g. { url }). */
  ready: Record<string, unknown>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` and waits for its first stdout line, a JSON object.
 * The child owns its own event loop, so the load generator does not slow the server it measures.
 */
export async function startChild(
  script: string,
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<RunningChild> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start in ${timeoutMs} ms; stderr:\n${stderr}`)),
      timeoutMs,
    );
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} printed "${line}" instead of its ready line; stderr:\n${stderr}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready; stderr:\n${stderr}`));
    });
  });
  lines.on("line", () => undefined); // keep draining stdout
  return {
    ready,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
