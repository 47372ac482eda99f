import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { disconnectAll } from "../../../src/db/connect.js";
import { createWebhooksHandler } from "../../../src/lambda/webhooks.js";
import { TEST_WEBHOOK_SECRET } from "../../helpers/app-credentials.js";
import { testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { stored } from "../../helpers/documents.js";
import { httpApiEvent, lambdaContext, lambdaEnv, type PayloadVersion } from "../../helpers/lambda.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { webhookFixture } from "../../helpers/webhooks.js";

// What the intake refuses before @probot/adapter-aws-lambda-serverless is given a delivery, where
// the adapter alone would answer 500 (a bad signature), verify with SHA-1, or verify and parse the
// base64 text. The function's dispatch through the adapter: test/unit/lambda-adapter-receiver.test.ts.
const ctx = useWebhookServer();
let lambda: ReturnType<typeof createWebhooksHandler>;
beforeAll(() => {
  lambda = createWebhooksHandler({
    env: lambdaEnv({ MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }),
  });
});
afterAll(() => disconnectAll());

const hmac = (algorithm: "sha1" | "sha256", body: Buffer | string, secret = TEST_WEBHOOK_SECRET) =>
  `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;
let sequence = 0;

interface Sent {
  version: PayloadVersion;
  body: Buffer;
  headers: Record<string, string>;
  base64?: boolean;
}

/** Headers as GitHub names them (payload 1.0 keeps that case); the signatures are the test's to choose. */
const headersFor = (signatures: Record<string, string>) => ({
  "Content-Type": "application/json",
  "X-GitHub-Event": "installation",
  "X-GitHub-Delivery": `adapter-${++sequence}`,
  ...signatures,
});

async function invoke({ version, body, headers, base64 }: Sent) {
  const event = httpApiEvent(version, { method: "POST", path: "/api/github/webhooks", headers, body: "" });
  event.body = base64 ? body.toString("base64") : body.toString("utf8");
  event.isBase64Encoded = Boolean(base64);
  const result = await lambda(event, lambdaContext("github-connect-webhooks"));
  return { status: result.statusCode, body: JSON.parse(result.body) as { ok?: boolean; error?: string } };
}

const deliveryRecord = (headers: Record<string, string>) =>
  ctx.server.models.WebhookDelivery.findOne({ deliveryId: headers["X-GitHub-Delivery"] }).lean();
const created = () => Buffer.from(JSON.stringify(webhookFixture("installation.created.organization")));

describe.each<PayloadVersion>(["1.0", "2.0"])("payload format %s", (version) => {
  test("a wrong SHA-256 signature is 400, not the adapter's 500, and nothing is stored", async () => {
    const body = created();
    const headers = headersFor({ "X-Hub-Signature-256": hmac("sha256", body, "not-the-secret-0123456789") });
    expect(await invoke({ version, body, headers })).toEqual({
      status: 400,
      body: { error: "Error: [@octokit/webhooks] signature does not match event payload and secret" },
    });
    expect(await deliveryRecord(headers)).toBeNull();
  });

  test("a delivery signed with SHA-1 only is refused, though the adapter would verify it", async () => {
    const body = created();
    const headers = headersFor({ "X-Hub-Signature": hmac("sha1", body) });
    expect(await invoke({ version, body, headers })).toEqual({
      status: 400,
      body: { error: "Required headers missing: x-hub-signature-256" },
    });
    expect(await deliveryRecord(headers)).toBeNull();
  });

  test("a right SHA-1 signature beside a wrong SHA-256 one is refused: SHA-1 is never what is checked", async () => {
    const body = created();
    const headers = headersFor({
      "X-Hub-Signature": hmac("sha1", body),
      "X-Hub-Signature-256": hmac("sha256", body, "not-the-secret-0123456789"),
    });
    expect((await invoke({ version, body, headers })).status).toBe(400);
    expect(await deliveryRecord(headers)).toBeNull();
  });

  test("a base64 body is decoded: the adapter is given the JSON text, and the delivery is applied", async () => {
    const body = created();
    const headers = headersFor({ "X-Hub-Signature": hmac("sha1", body), "X-Hub-Signature-256": hmac("sha256", body) });
    expect(await invoke({ version, body, headers, base64: true })).toEqual({ status: 200, body: { ok: true } });
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: headers["X-GitHub-Delivery"] })).toMatchObject(
      { status: "processed", event: "installation", source: "app" },
    );
  });
});

test("a signed body that is not UTF-8 is Invalid JSON on both servers (the adapter re-checks the text)", async () => {
  // A byte 0xFF inside a string: read with U+FFFD in its place, the text would not be what was signed.
  const [head, tail] = created().toString("utf8").split('"created"');
  const body = Buffer.concat([
    Buffer.from(`${head}"created", "note": "`),
    Buffer.from([0xff]),
    Buffer.from(`"${tail}`),
  ]);
  const lambdaHeaders = headersFor({ "X-Hub-Signature-256": hmac("sha256", body) });
  expect(await invoke({ version: "2.0", body, headers: lambdaHeaders, base64: true })).toEqual({
    status: 400,
    body: { error: "Invalid JSON" },
  });
  const nodeHeaders = headersFor({ "X-Hub-Signature-256": hmac("sha256", body) });
  const res = await fetch(`${ctx.server.url}/api/github/webhooks`, { method: "POST", headers: nodeHeaders, body });
  expect({ status: res.status, body: await res.json() }).toEqual({ status: 400, body: { error: "Invalid JSON" } });
  expect(await deliveryRecord(lambdaHeaders)).toBeNull();
  expect(await deliveryRecord(nodeHeaders)).toBeNull();
});
