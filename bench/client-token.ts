/**
 * Benchmark 6, `client.token()`: a backend service's installation token from
 * @github-connect/client's cache, against a raw POST /api/internal/orgs/{org}/github-token to the
 * real server (its own process; GitHub's token mint is a loopback stand-in, reached once: the
 * server's auth-app cache serves the rest), and against a new client per call (its cache empty,
 * so one POST each). One call at a time; every answer checked.
 */
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import { GitHubConnect } from "../packages/client/src/index.js";
import { createIndexes, createModels } from "../src/models/index.js";
import { testEnv } from "../test/helpers/test-config.js";
import { startChild } from "./lib/child.js";
import { startGitHubStandIn } from "./lib/github-stand-in.js";
import { formatTable, percentile, ratio, round, type Cell } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";
import { databaseCaveat } from "./event-delivery.js";

const ORG = "org_bench_tokens";
const INSTALLATION_ID = 95_000_001;
const SERVICE_TOKEN = "bench-service-token-0123456789abcdef0123456789abcdef";
const serverScript = fileURLToPath(new URL("./lib/ingest-server.ts", import.meta.url));

interface Way {
  way: string;
  calls: number;
  perSecond: number;
  /** Microseconds: a cached call takes well under one. */
  p50Us: number;
  p99Us: number;
}

/** `calls` sequential calls of `call`, each checked to hand out a ghs_ token. */
async function timeCalls(way: string, calls: number, call: () => Promise<{ token: string }>): Promise<Way> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const before = performance.now();
    const { token } = await call();
    latencies.push(performance.now() - before);
    if (!token.startsWith("ghs_")) throw new Error(`${way}: no installation token`);
  }
  const wallMs = performance.now() - started;
  return {
    way,
    calls,
    perSecond: round((calls / wallMs) * 1000),
    p50Us: round(percentile(latencies, 50) * 1000, 2),
    p99Us: round(percentile(latencies, 99) * 1000, 2),
  };
}

export async function clientToken(ctx: BenchContext): Promise<BenchOutput> {
  const caveat = databaseCaveat(ctx.db.kind);
  if (caveat) ctx.log(caveat);
  const posts = Math.max(100, Math.round(1000 * ctx.scale));
  const cached = Math.max(10_000, Math.round(200_000 * ctx.scale));
  const dbName = `bench_tokens_${Date.now()}`;
  const connection = await mongoose
    .createConnection(ctx.db.uriFor(dbName), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const standIn = await startGitHubStandIn({ repositories: [], delayMs: 0, secondaryLimitEvery: 0 });
  const ways: Way[] = [];
  let mints = 0;
  try {
    const models = createModels(connection);
    await createIndexes(models);
    await models.GitHubInstallation.create({
      installationId: INSTALLATION_ID,
      accountId: 85_000_001,
      accountLogin: "bench-tokens",
      accountType: "Organization",
      organizationId: ORG,
      permissions: { metadata: "read", contents: "write" },
    });
    const env = {
      ...process.env,
      ...testEnv({
        LOG_LEVEL: "silent",
        PORT: "0",
        MONGODB_URI: ctx.db.uriFor(dbName),
        INTERNAL_API_TOKENS: SERVICE_TOKEN,
      }),
      BENCH_SERVER: "app",
      BENCH_GITHUB_API_URL: standIn.url,
    };
    const child = await startChild(serverScript, env);
    try {
      const baseUrl = String(child.ready.url);
      const raw = async () => {
        const response = await fetch(`${baseUrl}/api/internal/orgs/${ORG}/github-token`, {
          method: "POST",
          headers: { authorization: `Bearer ${SERVICE_TOKEN}`, accept: "application/json" },
        });
        const body = (await response.json()) as { token: string };
        if (response.status !== 200) throw new Error(`the token API answered ${response.status}`);
        return body;
      };
      // Warm-up: the server mints once (its cache serves the rest), connections open.
      for (let i = 0; i < 20; i++) await raw();
      const client = new GitHubConnect({ baseUrl, serviceToken: SERVICE_TOKEN });
      await client.token(ORG);

      ctx.log(`client token: ${posts} raw POSTs, ${posts} new clients, ${cached} cached calls, one at a time`);
      ways.push(await timeCalls("raw POST /api/internal/orgs/{org}/github-token", posts, raw));
      ways.push(
        await timeCalls("client.token(), a new client each call (cache empty)", posts, () =>
          new GitHubConnect({ baseUrl, serviceToken: SERVICE_TOKEN }).token(ORG),
        ),
      );
      ways.push(await timeCalls("client.token(), from its cache", cached, () => client.token(ORG)));
      mints = standIn.stats.tokenMints;
    } finally {
      await child.stop();
    }
    await connection.dropDatabase();
  } finally {
    await standIn.close();
    await connection.close();
  }

  const rawWay = ways[0]!;
  const rows: Cell[][] = [
    ["way", "calls", "ops/s", "p50 µs", "p99 µs", "vs raw POST (ops/s)"],
    ...ways.map((w): Cell[] => [w.way, w.calls, w.perSecond, w.p50Us, w.p99Us, ratio(w.perSecond, rawWay.perSecond)]),
  ];
  const notes = [
    "one call at a time from the bench process; the real Node server in its own process, loopback",
    `GitHub: a loopback stand-in for POST /app/installations/{id}/access_tokens, asked ${mints} time(s) in all (the server's auth-app cache serves the rest)`,
    `database: ${ctx.db.kind}`,
    ...(caveat ? [caveat] : []),
  ];
  return {
    name: "client-token",
    table: formatTable("6. client.token(): cached vs the token API", rows, notes),
    results: {
      database: ctx.db.kind,
      representative: caveat === null,
      githubMints: mints,
      ways,
    },
  };
}
