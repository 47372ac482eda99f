/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run on the same
 * machine (so the ratio holds on a noisy one). Prints one table each and writes
 * bench/results/<name>.json. Loopback only; every request loop is bounded.
 *
 *   npm run bench                          all of them
 *   npm run bench -- ingest cold          some, by part of their name (webhook-ingest, cold-start, reconnect,
 *                                          settings-page, event-delivery, client-token)
 *   BENCH_SCALE=0.2 npm run bench          a quick look: fewer requests and runs
 *   MONGODB_URI=mongodb://… npm run bench  a real MongoDB instead of the embedded FerretDB
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { clientToken } from "./client-token.js";
import { coldStart } from "./cold-start.js";
import { eventDelivery } from "./event-delivery.js";
import { openBenchDatabase } from "./lib/database.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";
import { reconnect } from "./reconnect.js";
import { settingsPage } from "./settings-page.js";
import { webhookIngest } from "./webhook-ingest.js";

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<BenchOutput>> = {
  "webhook-ingest": webhookIngest,
  "cold-start": coldStart,
  reconnect,
  "settings-page": settingsPage,
  "event-delivery": eventDelivery,
  "client-token": clientToken,
};

function selected(args: string[]): string[] {
  if (args.length === 0) return Object.keys(BENCHMARKS);
  return args.map((arg) => {
    const name = Object.keys(BENCHMARKS).find((n) => n === arg || n.includes(arg));
    if (!name) throw new Error(`unknown benchmark "${arg}"; choose from ${Object.keys(BENCHMARKS).join(", ")}`);
    return name;
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const names = selected(process.argv.slice(2));
  const scale = Number(process.env.BENCH_SCALE ?? "1");
  if (!(scale > 0)) throw new Error("BENCH_SCALE must be a positive number");
  const log = (line: string) => console.error(`[bench] ${line}`);
  const resultsDir = new URL("./results/", import.meta.url);
  mkdirSync(resultsDir, { recursive: true });

  const db = await openBenchDatabase(log);
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    // What else ran: on a shared 2-core machine a busy neighbour moves every figure.
    loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  log(
    `database: ${db.kind}; ${machine.cpus} CPUs (${machine.cpu}); node ${machine.node}; scale ${scale}; load average ${machine.loadAverage1m}`,
  );
  try {
    for (const name of names) {
      const benchStarted = performance.now();
      const output = await BENCHMARKS[name]!({ db, log, scale });
      const seconds = Math.round((performance.now() - benchStarted) / 100) / 10;
      writeFileSync(
        new URL(`${output.name}.json`, resultsDir),
        `${JSON.stringify({ name: output.name, at: new Date().toISOString(), seconds, scale, machine, ...output.results }, null, 2)}\n`,
      );
      console.log(`\n${output.table}\n  (${seconds} s)`);
    }
  } finally {
    await db.stop();
  }
  console.log(
    `\nbench: ${names.length} benchmark(s) in ${Math.round((performance.now() - started) / 1000)} s; results in bench/results/`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
