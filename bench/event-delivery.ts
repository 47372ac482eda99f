/**
 * Benchmark 5, event delivery: from a change to the consumer. The real Node server (its own
 * process, EVENT_ENDPOINTS at a loopback receiver in this one) gets signed installation.suspend
 * webhooks for installations organizations have claimed; each records connection.suspended, which
 * the in-process dispatcher POSTs to the receiver. Timed from sending the webhook to the receiver
 * having the event: one at a time, then a burst at concurrency 16, against the same server with
 * only its 1 s poll (the dispatcher before the wake-up).
 * Then 5b, dispatch throughput: 2,000 events recorded first, sent by one dispatcher to a receiver
 * that answers at once, beside the webhook ingest rate.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import { pino } from "pino";
import { loadEventDeliveryConfig } from "../src/config/event-delivery.js";
import { createDispatcher } from "../src/events/dispatcher.js";
import { recordEvent } from "../src/events/event-log.js";
import { createIndexes, createModels, type Models } from "../src/models/index.js";
import { TEST_WEBHOOK_SECRET } from "../test/helpers/app-credentials.js";
import { startEventReceiver, type EventReceiver } from "../test/helpers/event-receiver.js";
import { testEnv } from "../test/helpers/test-config.js";
import { startChild } from "./lib/child.js";
import { ingestDeliveries, signedRequests, suspendDeliveries, suspendedInstallation } from "./lib/deliveries.js";
import { runLoad, type PreparedRequest } from "./lib/load.js";
import { formatTable, ratio, round, summarize, type Cell, type LatencySummary } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";

const SECRET = `whsec_${Buffer.from("event-signing-secret-for-bench!!").toString("base64")}`;
const TARGET_P99_MS = 1000;
const BURST_CONCURRENCY = 16;
const INGEST_CONCURRENCY = 16;
const serverScript = fileURLToPath(new URL("./lib/ingest-server.ts", import.meta.url));
const silent = pino({ level: "silent" });

/** Figures from FerretDB on SQLite say nothing about a real deployment (docs/benchmarks.md). */
export function databaseCaveat(kind: string): string | null {
  return kind === "ferretdb-sqlite"
    ? "FerretDB on SQLite: NOT REPRESENTATIVE (it reads every document per query); use PostgreSQL or MONGODB_URI"
    : null;
}

interface LatencyPhase {
  server: "wake-up" | "poll only (1 s)";
  phase: "one at a time" | "burst";
  events: number;
  /** Sending the webhook to the receiver having its event. */
  delivery: LatencySummary;
  /** Sending the webhook to GitHub's answer. */
  answer: LatencySummary;
  wallMs: number;
}

async function storeClaimedInstallations(models: Models, count: number): Promise<void> {
  const docs = Array.from({ length: count }, (_, n) => ({ ...suspendedInstallation(n), accountType: "Organization" }));
  for (let i = 0; i < docs.length; i += 500) await models.GitHubInstallation.insertMany(docs.slice(i, i + 500));
}

/** Sends `requests` (`concurrency` in flight) and times each to its event at the receiver. */
async function timeDeliveries(
  url: string,
  receiver: EventReceiver,
  requests: readonly PreparedRequest[],
  concurrency: number,
): Promise<{ delivery: number[]; answer: number[]; wallMs: number }> {
  const sentAt = new Map<number, number>();
  const answer: number[] = [];
  const expected = receiver.received.length + requests.length;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const request = requests[next++];
      if (!request) return;
      const installationId = (JSON.parse(request.body!) as { installation: { id: number } }).installation.id;
      const before = receiver.received.length;
      const started = performance.now();
      sentAt.set(installationId, started);
      const response = await fetch(url + request.path, {
        method: "POST",
        headers: request.headers,
        body: request.body,
      });
      await response.arrayBuffer();
      answer.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`installation.suspend answered ${response.status}`);
      // One at a time: the next webhook only once this event has arrived.
      if (concurrency === 1) await receiver.waitFor(before + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const arrived = await receiver.waitFor(expected);
  const wallMs = performance.now() - started;
  const delivery: number[] = [];
  for (const received of arrived) {
    const at = sentAt.get(Number(received.event.data.installationId));
    if (at !== undefined && received.event.type === "connection.suspended") delivery.push(received.receivedAt - at);
  }
  if (delivery.length !== requests.length) {
    throw new Error(`${requests.length} webhooks sent, ${delivery.length} of their events arrived`);
  }
  return { delivery, answer, wallMs };
}

const WARMUP = 5;

async function latencyPhases(
  ctx: BenchContext,
  models: Models,
  dbName: string,
  receiver: EventReceiver,
): Promise<LatencyPhase[]> {
  const events = Math.max(20, Math.round(200 * ctx.scale));
  // The baseline waits up to a second an event: fewer of them.
  const baselineEvents = Math.max(10, Math.round(50 * ctx.scale));
  const env = {
    ...process.env,
    ...testEnv({
      LOG_LEVEL: "silent",
      PORT: "0",
      MONGODB_URI: ctx.db.uriFor(dbName),
      EVENT_ENDPOINTS: receiver.url,
      EVENT_SIGNING_SECRET: SECRET,
    }),
    BENCH_SERVER: "app",
  };
  const plan: Array<{ server: LatencyPhase["server"]; phase: LatencyPhase["phase"]; count: number }> = [
    { server: "wake-up", phase: "one at a time", count: events },
    { server: "wake-up", phase: "burst", count: events },
    { server: "poll only (1 s)", phase: "one at a time", count: baselineEvents },
    { server: "poll only (1 s)", phase: "burst", count: events },
  ];
  await storeClaimedInstallations(models, 2 * WARMUP + plan.reduce((sum, step) => sum + step.count, 0));
  const phases: LatencyPhase[] = [];
  let first = 0;
  for (const server of ["wake-up", "poll only (1 s)"] as const) {
    const child = await startChild(serverScript, {
      ...env,
      ...(server === "wake-up" ? {} : { BENCH_DISPATCH_WAKE: "off" }),
    });
    try {
      const url = String(child.ready.url);
      // Warm-up: module paths, connections, the receiver's socket.
      const warmup = await signedRequests(suspendDeliveries(first, WARMUP), TEST_WEBHOOK_SECRET);
      first += WARMUP;
      await timeDeliveries(url, receiver, warmup, 1);
      for (const step of plan.filter((p) => p.server === server)) {
        ctx.log(`event delivery: ${server}, ${step.count} installation.suspend webhooks ${step.phase}`);
        const requests = await signedRequests(suspendDeliveries(first, step.count), TEST_WEBHOOK_SECRET);
        first += step.count;
        const timed = await timeDeliveries(url, receiver, requests, step.phase === "burst" ? BURST_CONCURRENCY : 1);
        phases.push({
          server,
          phase: step.phase,
          events: step.count,
          delivery: summarize(timed.delivery),
          answer: summarize(timed.answer),
          wallMs: round(timed.wallMs),
        });
      }
    } finally {
      await child.stop();
    }
  }
  return phases;
}

/** Deliveries per second of the real server's webhook ingest: the latest webhook-ingest result on this database, or measured now. */
async function ingestRate(ctx: BenchContext): Promise<{ perSecond: number; source: string }> {
  const file = new URL("./results/webhook-ingest.json", import.meta.url);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as {
      at: string;
      database: string;
      phases: Array<{ server: string; phase: string; throughput: number }>;
    };
    const app = saved.phases.find((p) => p.server === "app" && p.phase === "first delivery");
    if (app && saved.database === ctx.db.kind) {
      return { perSecond: app.throughput, source: `bench/results/webhook-ingest.json of ${saved.at}` };
    }
  }
  const pairs = Math.max(20, Math.round(100 * ctx.scale));
  ctx.log(`dispatch throughput: no webhook-ingest result on ${ctx.db.kind}; measuring ${pairs * 2} deliveries`);
  const dbName = `bench_events_ingest_${Date.now()}`;
  const env = { ...process.env, ...testEnv({ LOG_LEVEL: "silent", PORT: "0", MONGODB_URI: ctx.db.uriFor(dbName) }) };
  const child = await startChild(serverScript, { ...env, BENCH_SERVER: "app" });
  try {
    const url = String(child.ready.url);
    await runLoad(url, await signedRequests(ingestDeliveries(10), TEST_WEBHOOK_SECRET), INGEST_CONCURRENCY);
    const load = await runLoad(
      url,
      await signedRequests(ingestDeliveries(pairs), TEST_WEBHOOK_SECRET),
      INGEST_CONCURRENCY,
    );
    return { perSecond: round(load.throughput), source: `measured now (${load.requests} deliveries, concurrency 16)` };
  } finally {
    await child.stop();
    const connection = await mongoose.createConnection(ctx.db.uriFor(dbName)).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
}

interface Throughput {
  events: number;
  recordMs: number;
  scanMs: number;
  sendMs: number;
  perSecond: number;
}

async function dispatchThroughput(ctx: BenchContext, models: Models, receiver: EventReceiver): Promise<Throughput> {
  const events = Math.max(200, Math.round(2000 * ctx.scale));
  const config = loadEventDeliveryConfig(
    { EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET },
    { production: false },
  )!;
  const dispatcher = createDispatcher({ models, config, log: silent });
  // Its first scan fixes where it reads from (a minute back), before anything is recorded.
  await dispatcher.scan();
  ctx.log(`dispatch throughput: recording ${events} events in 20 organizations`);
  const recordStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n < events; n = next++) {
        await recordEvent(models, new Date(), {
          type: "connection.suspended",
          organizationId: `org_bench_throughput_${n % 20}`,
          data: { installationId: 94_000_000 + n, accountLogin: `bench-throughput-${n}`, accountType: "Organization" },
        });
      }
    }),
  );
  const recordMs = performance.now() - recordStarted;
  const before = receiver.received.length;
  ctx.log(`dispatch throughput: one dispatcher sending ${events} events`);
  const started = performance.now();
  const created = await dispatcher.scan();
  const scanned = performance.now();
  let sent = 0;
  while (sent < events) {
    const attempted = await dispatcher.dispatchDue();
    if (attempted === 0) break;
    sent += attempted;
  }
  const done = performance.now();
  const arrived = receiver.received.length - before;
  if (created !== events || arrived !== events) {
    throw new Error(`dispatch throughput: ${events} events, ${created} deliveries created, ${arrived} arrived`);
  }
  return {
    events,
    recordMs: round(recordMs),
    scanMs: round(scanned - started),
    sendMs: round(done - scanned),
    perSecond: round((events / (done - started)) * 1000),
  };
}

export async function eventDelivery(ctx: BenchContext): Promise<BenchOutput> {
  const caveat = databaseCaveat(ctx.db.kind);
  if (caveat) ctx.log(caveat);
  const dbName = `bench_events_${Date.now()}`;
  const connection = await mongoose
    .createConnection(ctx.db.uriFor(dbName), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const receiver = await startEventReceiver(SECRET);
  let phases: LatencyPhase[];
  let throughput: Throughput;
  try {
    const models = createModels(connection);
    await createIndexes(models);
    phases = await latencyPhases(ctx, models, dbName, receiver);
    await models.Event.deleteMany({});
    await models.EventDelivery.deleteMany({});
    throughput = await dispatchThroughput(ctx, models, receiver);
    if (receiver.unverified.length > 0) throw new Error(`${receiver.unverified.length} deliveries did not verify`);
    await connection.dropDatabase();
  } finally {
    await receiver.close();
    await connection.close();
  }
  const ingest = await ingestRate(ctx);

  const baseline = (phase: LatencyPhase["phase"]) =>
    phases.find((p) => p.server === "poll only (1 s)" && p.phase === phase);
  const rows: Cell[][] = [
    [
      "dispatcher",
      "webhooks",
      "events",
      "p50 ms",
      "p99 ms",
      "max ms",
      "p99 vs 1 s target",
      "p50 vs poll only",
      "answer p50 ms",
    ],
    ...phases.map((p): Cell[] => [
      p.server,
      p.phase === "burst" ? `burst, concurrency ${BURST_CONCURRENCY}` : p.phase,
      p.events,
      p.delivery.p50Ms,
      p.delivery.p99Ms,
      p.delivery.maxMs,
      p.delivery.p99Ms <= TARGET_P99_MS ? "met" : "MISSED",
      p.server === "wake-up" ? ratio(p.delivery.p50Ms, baseline(p.phase)?.delivery.p50Ms ?? Number.NaN) : "1x",
      p.answer.p50Ms,
    ]),
  ];
  const notes = [
    "from sending a signed installation.suspend (GitHub's payload, an installation an organization claimed) to the receiver having its connection.suspended event",
    "the real Node server in its own process; the receiver (standardwebhooks verify, answers 200 at once) in the bench's; loopback",
    `target: p99 <= ${TARGET_P99_MS} ms; poll only = the same server with the wake-up off (BENCH_DISPATCH_WAKE=off)`,
    `database: ${ctx.db.kind}`,
    ...(caveat ? [caveat] : []),
  ];
  const throughputRows: Cell[][] = [
    ["what", "count", "per second", "ms"],
    [
      "events delivered by one dispatcher (scan + send)",
      throughput.events,
      throughput.perSecond,
      throughput.scanMs + throughput.sendMs,
    ],
    [
      "  of which the scan (a delivery record per event)",
      throughput.events,
      round((throughput.events / throughput.scanMs) * 1000),
      throughput.scanMs,
    ],
    [
      "  of which sending (claim, POST, settle)",
      throughput.events,
      round((throughput.events / throughput.sendMs) * 1000),
      throughput.sendMs,
    ],
    ["webhook ingest (real server, concurrency 16)", "", ingest.perSecond, ""],
  ];
  const throughputNotes = [
    `${throughput.events} events recorded first (${round(throughput.recordMs / 1000, 1)} s), 20 organizations; one dispatcher in the bench process; the receiver answers 200 at once`,
    `dispatch vs ingest: ${ratio(throughput.perSecond, ingest.perSecond)} (ingest from ${ingest.source})`,
    `database: ${ctx.db.kind}`,
    ...(caveat ? [caveat] : []),
  ];
  return {
    name: "event-delivery",
    table: `${formatTable("5. Event delivery: webhook to receiver", rows, notes)}\n\n${formatTable("5b. Dispatch throughput", throughputRows, throughputNotes)}`,
    results: {
      database: ctx.db.kind,
      representative: caveat === null,
      targetP99Ms: TARGET_P99_MS,
      phases,
      throughput,
      ingest,
    },
  };
}
