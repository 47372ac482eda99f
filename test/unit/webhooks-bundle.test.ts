import { build, type Metafile } from "esbuild";
import { beforeAll, expect, test } from "vitest";
import { bundleOptions, LAMBDA_FUNCTIONS } from "../../scripts/build-lambda.js";
import { defaultWebhooksPath as bundledDefault } from "../../scripts/lambda/probot-server-shim.js";

// The webhooks Lambda function serves no page, and starts cold on every new container: its bundle
// carries nothing from the pages, and stays under its size limit (no timing here; see bench/cold-start.ts).
const MAX_BUNDLE_BYTES = LAMBDA_FUNCTIONS.webhooks.maxBundleBytes!;
const PAGE_CODE = [
  /^src\/web\//,
  /^src\/assembly\.ts$/,
  /^views\//,
  /node_modules\/(ejs|helmet|@workos-inc\/node|serverless-http|express)\//,
];
// What scripts/lambda/shims-plugin.ts leaves out: Probot's server and CLI, Redis, whatwg-url, the adapter's page.
const LEFT_OUT = [
  /node_modules\/(smee-client|undici|commander|ioredis|whatwg-url|tr46|iconv-lite|pino-pretty|@sentry)\//,
  /node_modules\/@probot\/adapter-aws-lambda-serverless\/views\//,
];

let metafile: Metafile;
let bundleBytes: number;

beforeAll(async () => {
  const result = await build({
    ...bundleOptions(LAMBDA_FUNCTIONS.webhooks.entry),
    outfile: "webhooks/index.mjs",
    write: false,
    metafile: true,
  });
  metafile = result.metafile;
  bundleBytes = result.outputFiles.find((file) => file.path.endsWith("index.mjs"))!.contents.byteLength;
});

const inputs = () => Object.keys(metafile.inputs).map((file) => file.replace(/^.*?(?=node_modules\/)/, ""));

test("the webhooks bundle holds the intake, the Probot Lambda adapter, and nothing from the pages", () => {
  expect(inputs()).toContain("src/webhooks/intake.ts");
  expect(inputs()).toContain("node_modules/@probot/adapter-aws-lambda-serverless/lambda-function.js");
  expect(inputs().filter((file) => PAGE_CODE.some((pattern) => pattern.test(file)))).toEqual([]);
});

test("the webhooks bundle leaves out what no function runs", () => {
  expect(inputs().filter((file) => LEFT_OUT.some((pattern) => pattern.test(file)))).toEqual([]);
});

test(`the webhooks bundle is at most ${MAX_BUNDLE_BYTES / 1024 / 1024} MiB minified`, () => {
  expect(bundleBytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
});

test("the server shim's webhook path is still Probot's own", async () => {
  const { defaultWebhooksPath } = await import("probot/lib/server/server.js");
  expect(bundledDefault).toBe(defaultWebhooksPath);
});
