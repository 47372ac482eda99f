import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, test } from "vitest";
import { LAMBDA_FUNCTIONS } from "../../scripts/build-lambda.js";

// The webhooks Lambda function serves no page: its bundle must carry no web code or page packages.
const root = fileURLToPath(new URL("../../", import.meta.url));
const PAGE_CODE = [/^src\/web\//, /node_modules\/ejs\//, /node_modules\/helmet\//, /node_modules\/@workos-inc\//];

test("the webhooks Lambda bundle holds nothing from src/web, ejs, helmet or @workos-inc", async () => {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [LAMBDA_FUNCTIONS.webhooks.entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    metafile: true,
    logLevel: "silent",
    external: ["kerberos", "@mongodb-js/zstd", "@aws-sdk/credential-providers", "gcp-metadata", "snappy", "socks", "aws4", "mongodb-client-encryption"],
    alias: { "@probot/pino": "./scripts/lambda/probot-pino-shim.ts" },
  });
  const files = Object.keys(result.metafile.inputs);
  expect(files).toContain("src/webhooks/intake.ts");
  expect(files.filter((file) => PAGE_CODE.some((pattern) => pattern.test(file)))).toEqual([]);
});
