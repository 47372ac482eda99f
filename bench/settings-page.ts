/**
 * Benchmark 4, the settings page with 1,000 repos: GET /workspace/settings/repos on the real
 * server (its own process, signed in through the development sign-in), one request at a time,
 * against the same page for an organization with no repos and against GET /healthz.
 */
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import { createIndexes, createModels } from "../src/models/index.js";
import { findRepoPage } from "../src/repos/repo-listing.js";
import { testEnv } from "../test/helpers/test-config.js";
import { startChild } from "./lib/child.js";
import { devSignIn } from "./lib/dev-sign-in.js";
import { runLoad, type PreparedRequest } from "./lib/load.js";
import { formatBytes, formatTable, ratio, round, summarize, type Cell } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";

const REPOS = 1000;
const serverScript = fileURLToPath(new URL("./lib/ingest-server.ts", import.meta.url));

export async function settingsPage(ctx: BenchContext): Promise<BenchOutput> {
  const requests = Math.max(50, Math.round(150 * ctx.scale));
  const dbName = `bench_settings_${Date.now()}`;
  const connection = await mongoose
    .createConnection(ctx.db.uriFor(dbName), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const models = createModels(connection);
  await createIndexes(models);
  await models.Repo.insertMany(
    Array.from({ length: REPOS }, (_, i) => ({
      organizationId: "org_big",
      slug: `project-${String(i).padStart(4, "0")}`,
      name: `project-${String(i).padStart(4, "0")}`,
      githubRepoId: 7_000_000 + i,
      fullName: `big-org/project-${String(i).padStart(4, "0")}`,
      accessible: i % 10 !== 0,
    })),
  );

  const env = {
    ...process.env,
    ...testEnv({ LOG_LEVEL: "silent", PORT: "0", AUTH_MODE: "dev", MONGODB_URI: ctx.db.uriFor(dbName) }),
    BENCH_SERVER: "app",
  };
  const child = await startChild(serverScript, env);
  try {
    const url = String(child.ready.url);
    const big = await devSignIn(url, { email: "admin@big.example", organizationId: "org_big", role: "admin" });
    const empty = await devSignIn(url, { email: "admin@empty.example", organizationId: "org_empty", role: "admin" });
    const get = (path: string, cookie?: string): PreparedRequest => ({
      method: "GET",
      path,
      headers: { accept: "text/html", ...(cookie ? { cookie } : {}) },
    });
    const page = await fetch(`${url}/workspace/settings/repos`, { headers: { accept: "text/html", cookie: big } });
    const html = await page.text();
    // The first page of 50, with the total.
    if (page.status !== 200 || !html.includes("project-0049") || !html.includes("Projects (1,000)")) {
      throw new Error(`the settings page did not list the repos (status ${page.status})`);
    }

    const cases: Array<[string, PreparedRequest]> = [
      ["GET /healthz (baseline)", get("/healthz")],
      ["settings page, 0 repos", get("/workspace/settings/repos", empty)],
      [`settings page, ${REPOS.toLocaleString("en-US")} repos`, get("/workspace/settings/repos", big)],
    ];
    const measured = [];
    for (const [label, request] of cases) {
      ctx.log(`settings page: ${label}, ${requests} requests one at a time`);
      await runLoad(
        url,
        Array.from({ length: 10 }, () => request),
        1,
      );
      const load = await runLoad(
        url,
        Array.from({ length: requests }, () => request),
        1,
      );
      const ok = load.statuses["200"] ?? 0;
      if (ok !== requests) throw new Error(`${label}: ${JSON.stringify(load.statuses)}`);
      measured.push({ label, ...summarize(load.latenciesMs) });
    }
    // The page's repo queries (a count and 50 in slug order), timed alone from this process: how much of the page is the database.
    for (const [label, organizationId] of [
      ["repo page alone, 0 repos", "org_empty"],
      [`repo page alone, ${REPOS.toLocaleString("en-US")} repos`, "org_big"],
    ] as const) {
      const latencies: number[] = [];
      for (let i = 0; i < requests; i++) {
        const started = performance.now();
        await findRepoPage(models, organizationId, 1);
        latencies.push(performance.now() - started);
      }
      measured.push({ label, ...summarize(latencies) });
    }
    const empty0 = measured[1]!;
    const rows: Cell[][] = [
      ["request", "requests", "p50 ms", "p99 ms", "max ms", "p50 vs 0 repos"],
      ...measured.map((m): Cell[] => [m.label, m.count, m.p50Ms, m.p99Ms, m.maxMs, ratio(m.p50Ms, empty0.p50Ms)]),
    ];
    const notes = [
      `real server in its own process (signed in with the development sign-in), loopback, one request at a time after 10 warm-up requests; first page (50 of ${REPOS} repos): ${formatBytes(Buffer.byteLength(html))} of HTML`,
      "repo page rows: the page's repo queries (a count, then 50 by (organizationId, slug), lean) timed alone from the benchmark process: how much of the page they are",
      `database: ${ctx.db.kind}`,
    ];
    return {
      name: "settings-page",
      table: formatTable("4. Settings page", rows, notes),
      results: {
        repos: REPOS,
        requests,
        htmlBytes: Buffer.byteLength(html),
        database: ctx.db.kind,
        cases: measured.map((m) => ({ ...m, p50Ms: round(m.p50Ms), p99Ms: round(m.p99Ms) })),
      },
    };
  } finally {
    await child.stop();
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}
