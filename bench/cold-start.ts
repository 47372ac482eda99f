/**
 * Benchmark 2, cold start: a fresh Node process from start to its first webhook answered, for the
 * bundled webhooks function (what Lambda runs) and for the same code unbundled (src/ transpiled
 * file by file, dependencies loaded from node_modules). Several runs each, interleaved; medians.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { projectPaths } from "../src/project-paths.js";
import { buildLambda, LAMBDA_FUNCTIONS, type BuiltFunction } from "../scripts/build-lambda.js";
import { webhookEvent } from "../test/helpers/lambda.js";
import { testEnv } from "../test/helpers/test-config.js";
import { webhookFixture } from "../test/helpers/webhooks.js";
import { formatBytes, formatTable, median, ratio, round, type Cell } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";

const root = projectPaths.root;
const childScript = fileURLToPath(new URL("./cold-start-child.mjs", import.meta.url));

interface Run {
  loadedMs: number;
  handledMs: number;
  status: number;
  rssBytes: number;
}

/** src/ transpiled one file to one file (no bundling), inside the project so node_modules resolves. */
async function transpileUnbundled(outDir: string): Promise<string> {
  const entryPoints = readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
  await build({
    entryPoints,
    outdir: outDir,
    outbase: path.join(root, "src"),
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "error",
  });
  return path.join(outDir, "lambda", "webhooks.js");
}

async function coldRun(entry: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const { stdout } = await promisify(execFile)(process.execPath, [childScript, entry], { env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Run;
}

export async function coldStart(ctx: BenchContext): Promise<BenchOutput> {
  const runs = Math.max(3, Math.round(7 * ctx.scale));
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), "github-connect-bench-lambda-"));
  // Inside the repo so the transpiled files resolve node_modules; dist/ is absent on a fresh clone.
  mkdirSync(path.join(root, "dist"), { recursive: true });
  const unbundledDir = mkdtempSync(path.join(root, "dist", ".bench-unbundled-"));
  try {
    ctx.log("cold start: building the bundles and the unbundled transpile");
    const built = await buildLambda({ outDir: bundleDir });
    const webhooks = built.find((fn) => fn.name === "webhooks")!;
    const unbundledEntry = await transpileUnbundled(unbundledDir);
    const env = {
      ...process.env,
      ...testEnv({ LOG_LEVEL: "silent", MONGODB_URI: ctx.db.uriFor(`bench_cold_${Date.now()}`) }),
    };

    const variants = { bundled: webhooks.entry, unbundled: unbundledEntry };
    const results: Record<keyof typeof variants, Run[]> = { bundled: [], unbundled: [] };
    for (let i = 0; i < runs; i++) {
      // Interleaved, so drift on the machine hits both alike.
      for (const [name, entry] of Object.entries(variants) as Array<[keyof typeof variants, string]>) {
        const { event } = await webhookEvent("2.0", {
          event: "installation",
          payload: webhookFixture("installation.created.organization"),
        });
        const run = await coldRun(entry, { ...env, BENCH_EVENT: JSON.stringify(event) });
        if (run.status !== 200) throw new Error(`cold start (${name}) answered ${run.status}`);
        results[name].push(run);
      }
      ctx.log(`cold start: run ${i + 1}/${runs}`);
    }
    const nodeOnly: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, [
        "-e",
        "process.stdout.write(String(performance.now()))",
      ]);
      nodeOnly.push(Number(stdout));
    }

    const summary = (name: keyof typeof variants) => ({
      loadMs: round(median(results[name].map((r) => r.loadedMs))),
      firstWebhookMs: round(median(results[name].map((r) => r.handledMs))),
      rssMiB: round(median(results[name].map((r) => r.rssBytes)) / 1024 / 1024, 0),
    });
    const bundled = summary("bundled");
    const unbundled = summary("unbundled");
    const rows: Cell[][] = [
      [
        "webhooks function",
        "module loaded ms",
        "x unbundled",
        "first webhook ms",
        "x unbundled",
        "RSS MiB",
        "what ships",
      ],
      [
        "bundled (index.mjs)",
        bundled.loadMs,
        ratio(bundled.loadMs, unbundled.loadMs),
        bundled.firstWebhookMs,
        ratio(bundled.firstWebhookMs, unbundled.firstWebhookMs),
        bundled.rssMiB,
        describeBundle(webhooks),
      ],
      [
        "unbundled (node_modules)",
        unbundled.loadMs,
        "1x",
        unbundled.firstWebhookMs,
        "1x",
        unbundled.rssMiB,
        `${webhooks.inputs.files} files, ${formatBytes(webhooks.inputs.bytes)}`,
      ],
      ["node alone (reference)", round(median(nodeOnly)), "", "", "", "", ""],
    ];
    // Sizes are exact, unlike the times: each function against its limit, where it has one.
    const sizeRows: Cell[][] = [
      ["function", "bundle", "zip", "limit", "within"],
      ...built.map((fn): Cell[] => {
        const limit = LAMBDA_FUNCTIONS[fn.name].maxBundleBytes;
        return [
          fn.name,
          formatBytes(fn.bundleBytes),
          formatBytes(fn.zipBytes ?? 0),
          limit ? formatBytes(limit) : "",
          limit ? (fn.bundleBytes <= limit ? "yes" : "NO") : "",
        ];
      }),
    ];
    const web = built.find((fn) => fn.name === "web")!;
    const notes = [
      `median of ${runs} fresh processes each, times from process start; first webhook = connect to MongoDB, build indexes, verify, store one installation.created`,
      `web function: ${describeBundle(web)}; "bundle" is index.mjs (minified ESM); the zip also holds its source map and licence file (and, for web, views/ and public/)`,
      "unbundled = src/ transpiled file by file, dependencies from node_modules (including what the bundles swap out: @probot/pino's pretty printer and Sentry, and scripts/lambda/shims-plugin.ts's list)",
      `database: ${ctx.db.kind}`,
    ];
    return {
      name: "cold-start",
      table: `${formatTable("2. Cold start", rows, notes)}

${formatTable("2b. Lambda bundles", sizeRows)}`,
      results: {
        runs,
        database: ctx.db.kind,
        loadRatio: round(bundled.loadMs / unbundled.loadMs),
        firstWebhookRatio: round(bundled.firstWebhookMs / unbundled.firstWebhookMs),
        bundled: { ...bundled, runs: results.bundled },
        unbundled: { ...unbundled, runs: results.unbundled },
        nodeAloneMs: round(median(nodeOnly)),
        bundles: built.map((fn) => ({
          name: fn.name,
          bundleBytes: fn.bundleBytes,
          maxBundleBytes: LAMBDA_FUNCTIONS[fn.name].maxBundleBytes ?? null,
          zipBytes: fn.zipBytes,
          folderBytes: fn.totalBytes,
          inputs: fn.inputs,
          largestInputs: fn.largestInputs,
        })),
      },
    };
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(unbundledDir, { recursive: true, force: true });
  }
}

function describeBundle(fn: BuiltFunction): string {
  return `${formatBytes(fn.bundleBytes)} bundle, ${formatBytes(fn.zipBytes ?? 0)} zip`;
}
