/**
 * Benchmark 1, webhook ingest: signed deliveries over loopback HTTP at a fixed concurrency,
 * against the real server (its MongoDB, delivery log, handlers) and against a bare Probot 13 app
 * with a no-op handler; then a redelivery storm (every delivery id sent twice more). Then the
 * database round trips (commands) each lifecycle event costs, counted with command monitoring.
 */
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import { createModels } from "../src/models/index.js";
import { TEST_WEBHOOK_SECRET } from "../test/helpers/app-credentials.js";
import { testEnv } from "../test/helpers/test-config.js";
import { startChild } from "./lib/child.js";
import { ingestDeliveries, shuffled, signedRequests } from "./lib/deliveries.js";
import { runLoad, type LoadResult, type PreparedRequest } from "./lib/load.js";
import { measureRoundTrips } from "./lib/round-trips.js";
import { formatTable, ratio, round, summarize, type Cell } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";

const CONCURRENCY = 16;
const serverScript = fileURLToPath(new URL("./lib/ingest-server.ts", import.meta.url));

interface PhaseResult {
  server: "bare" | "app";
  phase: "first delivery" | "redelivery storm";
  load: LoadResult;
}

function row(result: PhaseResult, baseline: PhaseResult | undefined): Cell[] {
  const latency = summarize(result.load.latenciesMs);
  const non2xx =
    Object.entries(result.load.statuses).reduce((n, [s, c]) => n + (s.startsWith("2") ? 0 : c), 0) +
    result.load.failures;
  return [
    result.server === "app" ? "GitHub Connect (MongoDB)" : "bare Probot, no-op",
    result.phase,
    result.load.requests,
    round(result.load.throughput, 0),
    latency.p50Ms,
    latency.p99Ms,
    non2xx,
    baseline ? ratio(baseline.load.throughput, result.load.throughput) : "1x",
    baseline ? ratio(latency.p50Ms, summarize(baseline.load.latenciesMs).p50Ms) : "1x",
  ];
}

export async function webhookIngest(ctx: BenchContext): Promise<BenchOutput> {
  const pairs = Math.max(20, Math.round(150 * ctx.scale));
  const dbName = `bench_ingest_${Date.now()}`;
  const env = { ...process.env, ...testEnv({ LOG_LEVEL: "silent", PORT: "0", MONGODB_URI: ctx.db.uriFor(dbName) }) };
  const warmup = await signedRequests(ingestDeliveries(20), TEST_WEBHOOK_SECRET);
  const first = await signedRequests(ingestDeliveries(pairs), TEST_WEBHOOK_SECRET);
  // Every delivery again, twice, in another order: GitHub redelivering a backlog, plus copies racing each other.
  const storm: PreparedRequest[] = shuffled([...first, ...first], 7);

  const phases: PhaseResult[] = [];
  let integrity: Record<string, number> = {};
  for (const server of ["bare", "app"] as const) {
    ctx.log(
      `webhook ingest: ${server} server, ${first.length} deliveries then ${storm.length} redeliveries at concurrency ${CONCURRENCY}`,
    );
    const child = await startChild(serverScript, { ...env, BENCH_SERVER: server });
    try {
      const url = String(child.ready.url);
      await runLoad(url, warmup, CONCURRENCY);
      phases.push({ server, phase: "first delivery", load: await runLoad(url, first, CONCURRENCY) });
      phases.push({ server, phase: "redelivery storm", load: await runLoad(url, storm, CONCURRENCY) });
    } finally {
      await child.stop();
    }
  }

  // Each delivery applied once: one log entry per id, processed on its first attempt.
  const connection = await mongoose
    .createConnection(ctx.db.uriFor(dbName), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  try {
    const models = createModels(connection);
    const ids = first.map((r) => r.headers["x-github-delivery"]!);
    integrity = {
      deliveries: ids.length,
      logged: await models.WebhookDelivery.countDocuments({ deliveryId: { $in: ids } }),
      processedOnce: await models.WebhookDelivery.countDocuments({
        deliveryId: { $in: ids },
        status: { $in: ["processed", "ignored"] },
        attempts: 1,
      }),
      installations: await models.GitHubInstallation.countDocuments({ installationId: { $gte: 90_000_000 } }),
    };
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }

  ctx.log("webhook ingest: database round trips per event type");
  const roundTrips = await measureRoundTrips(ctx.db);

  const baseline = (phase: PhaseResult["phase"]) => phases.find((p) => p.server === "bare" && p.phase === phase);
  const rows: Cell[][] = [
    ["server", "phase", "requests", "req/s", "p50 ms", "p99 ms", "non-2xx", "slower (req/s)", "p50 vs bare"],
    ...phases.map((p) => row(p, p.server === "app" ? baseline(p.phase) : undefined)),
  ];
  const notes = [
    `concurrency ${CONCURRENCY}, loopback, each server in its own process, logs silent; ${pairs} installation.created (50 repos) + ${pairs} installation_repositories.added (10 repos)`,
    `storm: every delivery id sent twice more (${storm.length}); after it: ${integrity.logged}/${integrity.deliveries} ids logged, ${integrity.processedOnce} processed on their first attempt only, ${integrity.installations} installations`,
    "non-2xx: 500 = the delivery failed (GitHub records it as failed; the storm's redeliveries then apply it), 202 = still processing after 9 s (Probot's middleware answers so GitHub does not time out)",
    `database: ${ctx.db.kind}`,
  ];
  const roundTripRows: Cell[][] = [
    ["delivery", "round trips", "commands"],
    ...roundTrips.map((r): Cell[] => [r.name, r.commands.length, r.commands.join(", ")]),
  ];
  const roundTripNotes = [
    "common case: the installation stored and linked to an organization with repos, the Marketplace account already bought; one delivery at a time through the real server",
    "round trips: database commands the delivery sent (driver command monitoring, src/db/command-counter.ts)",
  ];
  return {
    name: "webhook-ingest",
    table: `${formatTable("1. Webhook ingest", rows, notes)}\n\n${formatTable("1b. Database round trips per delivery", roundTripRows, roundTripNotes)}`,
    results: {
      concurrency: CONCURRENCY,
      database: ctx.db.kind,
      deliveries: first.length,
      integrity,
      roundTrips: roundTrips.map((r) => ({ delivery: r.name, roundTrips: r.commands.length, commands: r.commands })),
      phases: phases.map((p) => ({
        server: p.server,
        phase: p.phase,
        requests: p.load.requests,
        wallMs: round(p.load.wallMs),
        throughput: round(p.load.throughput),
        ...summarize(p.load.latenciesMs),
        statuses: p.load.statuses,
        failures: p.load.failures,
      })),
    },
  };
}
