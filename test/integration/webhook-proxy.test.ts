import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createModels, type Models } from "../../src/models/index.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { startWebhookProxy } from "../../src/webhooks/webhook-proxy.js";
import { testDatabaseName, withDatabaseName } from "../helpers/database.js";
import { startSmeeStandIn, type SmeeStandIn } from "../helpers/smee-stand-in.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";
import { signDelivery, webhookFixture } from "../helpers/webhooks.js";

// WEBHOOK_PROXY_URL: the Node server of `npm start` reads a smee channel's event stream (a local
// stand-in for smee.io here) and forwards each event to its own webhook endpoint.
const CHANNEL = "gcTestChannel-1";
const logs = captureLogger();
let smee: SmeeStandIn;
let server: RunningServer;
let models: Models;

beforeAll(async () => {
  smee = await startSmeeStandIn();
  const config = testConfig({ PORT: "0", WEBHOOK_PROXY_URL: `${smee.url}/${CHANNEL}` });
  server = await startServer({
    config,
    log: logs.log,
    mongodbUri: withDatabaseName(inject("mongoUri"), testDatabaseName("proxy")),
  });
  models = createModels(server.connection);
  await smee.listening(CHANNEL);
});
afterAll(async () => {
  await server?.close();
  await smee?.close();
});

async function eventually<T>(
  read: () => Promise<T | null | undefined> | T | null | undefined,
  what: string,
): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A delivery as smee.io puts it on the stream: GitHub's headers, the parsed body, the query and a timestamp. */
async function postToChannel(options: { deliveryId?: string; secret?: string } = {}) {
  const payload = webhookFixture("installation.created.organization");
  const signed = await signDelivery({
    event: "installation",
    payload,
    deliveryId: options.deliveryId,
    secret: options.secret,
  });
  smee.send(CHANNEL, {
    host: "smee.io",
    accept: "*/*",
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/f3b4c1a",
    "x-github-delivery": signed.deliveryId,
    "x-github-event": "installation",
    "x-github-hook-id": "512345678",
    "x-github-hook-installation-target-id": "1012345",
    "x-github-hook-installation-target-type": "integration",
    "x-hub-signature-256": signed.signature,
    body: JSON.parse(signed.body),
    query: {},
    timestamp: Date.now(),
  });
  return { ...signed, installationId: (payload.installation as { id: number }).id };
}

describe("webhooks through WEBHOOK_PROXY_URL (a smee channel)", () => {
  test("a signed delivery on the channel reaches the webhook endpoint, is verified and stored", async () => {
    const { deliveryId, installationId } = await postToChannel();
    const delivery = await eventually(
      () => models.WebhookDelivery.findOne({ deliveryId }).lean(),
      "the delivery to be stored",
    );
    expect(delivery).toMatchObject({ deliveryId, event: "installation", action: "created" });
    const installation = await eventually(
      () => models.GitHubInstallation.findOne({ installationId }).lean(),
      "the installation",
    );
    expect(installation.accountLogin).toBe("octo-org");
    await eventually(
      () =>
        logs.lines.find(
          (line) =>
            line.msg ===
            `delivery forwarded to ${server.url.replace("localhost", "127.0.0.1")}/api/github/webhooks: 200`,
        ),
      "the forwarding line",
    );
  });

  test("a delivery signed with another secret is refused at the endpoint and stores nothing", async () => {
    const { deliveryId } = await postToChannel({
      deliveryId: "forged-through-smee-1",
      secret: "not-the-webhook-secret",
    });
    await eventually(() => logs.lines.find((line) => String(line.msg).endsWith("was refused: 400")), "the refusal");
    expect(await models.WebhookDelivery.findOne({ deliveryId }).lean()).toBeNull();
  });

  test("start-up says where it forwards from and to", () => {
    expect(logs.lines.map((line) => line.msg)).toContain(
      `connected to ${smee.url}/${CHANNEL}: forwarding webhooks to ${server.url.replace("localhost", "127.0.0.1")}/api/github/webhooks`,
    );
  });
});

describe("an unreachable channel (offline)", () => {
  test("is said once as a warning with what it means, not on every retry", async () => {
    const own = captureLogger();
    // A port nothing listens on: connection refused, as for a smee.io that cannot be reached.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const proxy = startWebhookProxy({
      source: `http://127.0.0.1:${port}/offlineChannel`,
      target: `http://127.0.0.1:${port}/api/github/webhooks`,
      log: own.log,
    });
    try {
      // The stream retries every 3 s: wait for the second failure.
      await eventually(() => own.lines.find((line) => line.level === 20), "a retry");
    } finally {
      await proxy.close();
    }
    const warnings = own.lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe(
      `cannot reach http://127.0.0.1:${port}/offlineChannel (fetch failed: connect ECONNREFUSED 127.0.0.1:${port}); retrying. ` +
        "Webhooks GitHub sends meanwhile are not forwarded: redeliver them from the App's settings on GitHub (Advanced)",
    );
  }, 15_000);
});
