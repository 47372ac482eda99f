import type { Connection } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { EmbeddedMongo } from "../../../src/db/embedded/embedded-mongo.js";
import { createModels, type Models } from "../../../src/models/index.js";
import { TEST_WEBHOOK_SECRET } from "../../helpers/app-credentials.js";
import {
  connectTestDatabase,
  dropAndClose,
  startPrivateMongo,
  testDatabaseName,
  withDatabaseName,
} from "../../helpers/database.js";
import { stored } from "../../helpers/documents.js";
import {
  buildBundles,
  lambdaContext,
  lambdaEnv,
  setEnv,
  webhookEvent,
  type BuiltBundles,
  type LambdaHandler,
  type PayloadVersion,
} from "../../helpers/lambda.js";
import { webhookExamples, webhookFixture } from "../../helpers/webhooks.js";
import { inject } from "vitest";

// The BUILT webhooks function (dist-style bundle), invoked in-process the way Lambda does:
// import index.mjs, call handler(event, context).
let bundles: BuiltBundles;
let connection: Connection;
let models: Models;
let handler: LambdaHandler;
let restoreEnv: () => void;

beforeAll(async () => {
  bundles = await buildBundles(["webhooks"]);
  connection = await connectTestDatabase();
  models = createModels(connection);
  // The handler validates process.env once, on its container's first invocation.
  restoreEnv = setEnv(lambdaEnv({ MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }));
  handler = await bundles.handler("webhooks", "main");
});
afterAll(async () => {
  restoreEnv?.();
  await dropAndClose(connection);
  bundles?.remove();
});
beforeEach(async () => {
  await Promise.all([
    models.WebhookDelivery.deleteMany({}),
    models.WebhookBody.deleteMany({}),
    models.GitHubInstallation.deleteMany({}),
    models.MarketplaceAccount.deleteMany({}),
  ]);
});

const invoke = (event: Awaited<ReturnType<typeof webhookEvent>>["event"]) =>
  handler(event, lambdaContext("github-connect-webhooks"));
const created = () => webhookFixture("installation.created.organization");

async function expectNothingStored() {
  expect(await models.WebhookDelivery.countDocuments()).toBe(0);
  expect(await models.GitHubInstallation.countDocuments()).toBe(0);
  expect(await models.MarketplaceAccount.countDocuments()).toBe(0);
}

describe.each<PayloadVersion>(["1.0", "2.0"])("payload format %s", (version) => {
  test("a signed installation.created delivery is stored and answered 200", async () => {
    const { event, deliveryId } = await webhookEvent(version, { event: "installation", payload: created() });
    const result = await invoke(event);
    expect(result.statusCode, result.body).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
    expect(await stored(models.GitHubInstallation, { installationId: 43110412 })).toMatchObject({
      accountLogin: "octo-org",
    });
    expect(await stored(models.WebhookDelivery, { deliveryId })).toMatchObject({
      status: "processed",
      event: "installation",
      source: "app",
    });
  });

  test("a base64-encoded body is decoded before the signature is checked", async () => {
    const { event, deliveryId } = await webhookEvent(version, {
      event: "installation",
      payload: created(),
      base64: true,
    });
    expect(event.isBase64Encoded).toBe(true);
    const result = await invoke(event);
    expect(result.statusCode, result.body).toBe(200);
    expect(await stored(models.WebhookDelivery, { deliveryId })).toMatchObject({ status: "processed" });
  });

  test("a delivery signed with the wrong secret gets 400 and nothing is stored", async () => {
    const { event } = await webhookEvent(version, {
      event: "installation",
      payload: created(),
      secret: "not-the-secret",
    });
    const result = await invoke(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toContain("signature does not match");
    await expectNothingStored();
  });

  test("a Marketplace delivery is verified with the listing's secret and stored", async () => {
    const payload = webhookExamples("marketplace_purchase").find((e) => e.action === "purchased")!;
    const { event, deliveryId } = await webhookEvent(version, {
      event: "marketplace_purchase",
      payload,
      endpoint: "marketplace",
    });
    const result = await invoke(event);
    expect(result.statusCode, result.body).toBe(200);
    const accountId = (payload.marketplace_purchase as { account: { id: number } }).account.id;
    expect(await stored(models.MarketplaceAccount, { accountId })).toMatchObject({ accountId });
    expect(await stored(models.WebhookDelivery, { deliveryId })).toMatchObject({
      status: "processed",
      source: "marketplace",
    });
  });
});

describe("refusals", () => {
  test("an unsigned delivery gets 400 naming the missing header", async () => {
    const { event } = await webhookEvent("2.0", { event: "installation", payload: created(), secret: null });
    const result = await invoke(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: "Required headers missing: x-hub-signature-256" });
    await expectNothingStored();
  });

  test("a Marketplace delivery signed with the App's secret is refused", async () => {
    const payload = webhookExamples("marketplace_purchase")[0];
    const { event } = await webhookEvent("2.0", {
      event: "marketplace_purchase",
      payload,
      endpoint: "marketplace",
      secret: TEST_WEBHOOK_SECRET,
    });
    expect((await invoke(event)).statusCode).toBe(400);
    await expectNothingStored();
  });

  test("a marketplace_purchase on the App's path, signed with the App's secret, is refused with 400 and nothing stored", async () => {
    const { event } = await webhookEvent("1.0", {
      event: "marketplace_purchase",
      payload: webhookExamples("marketplace_purchase").find((e) => e.action === "purchased")!,
      endpoint: "app",
    });
    const result = await invoke(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toBe(
      "X-GitHub-Event marketplace_purchase is not delivered to /api/github/webhooks: GitHub sends it to /api/github/marketplace",
    );
    await expectNothingStored();
  });

  test("an installation event on the Marketplace path, signed with the listing's secret, is refused with 400", async () => {
    const { event } = await webhookEvent("2.0", { event: "installation", payload: created(), endpoint: "marketplace" });
    const result = await invoke(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toContain("is not delivered to /api/github/marketplace");
    await expectNothingStored();
  });

  test("truncated JSON (signed) gets 400 Invalid JSON, not a crash", async () => {
    const { event } = await webhookEvent("2.0", {
      event: "installation",
      body: JSON.stringify(created()).slice(0, 200),
      offSchema: "truncated JSON",
    });
    const result = await invoke(event);
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain("Invalid JSON");
    await expectNothingStored();
  });

  test("valid JSON missing what the event promises gets 422 with the reason", async () => {
    const payload = created();
    delete (payload.installation as Record<string, unknown>).id;
    const { event } = await webhookEvent("1.0", {
      event: "installation",
      payload,
      offSchema: "installation.id removed: the 422 case",
    });
    const result = await invoke(event);
    expect(result.statusCode).toBe(422);
    expect(JSON.parse(result.body).error).toBe("MalformedPayloadError: installation.id must be a whole number");
    expect(await models.GitHubInstallation.countDocuments()).toBe(0);
  });

  test("a redelivery (same X-GitHub-Delivery) is acknowledged and applied once", async () => {
    const first = await webhookEvent("2.0", { event: "installation", payload: created() });
    expect((await invoke(first.event)).statusCode).toBe(200);
    const again = await webhookEvent("1.0", {
      event: "installation",
      payload: created(),
      deliveryId: first.deliveryId,
    });
    expect((await invoke(again.event)).statusCode).toBe(200);
    expect(await stored(models.WebhookDelivery, { deliveryId: first.deliveryId })).toMatchObject({
      status: "processed",
      attempts: 1,
    });
  });
});

describe("a database outage", () => {
  let mongo: EmbeddedMongo | undefined;
  afterAll(async () => {
    await mongo?.stop();
  });

  test("answers 5xx within GitHub's 10 s, in a warm container and in a cold one, so the delivery shows as failed", async () => {
    mongo = await startPrivateMongo();
    const restore = setEnv({ MONGODB_URI: withDatabaseName(mongo.uri, "lambda_outage") });
    let warm: LambdaHandler;
    try {
      warm = await bundles.handler("webhooks", "outage-warm");
      const ok = await webhookEvent("2.0", { event: "installation", payload: created() });
      expect((await warm(ok.event, lambdaContext("github-connect-webhooks"))).statusCode).toBe(200);
    } finally {
      restore();
    }

    await mongo.stop();
    const down = await webhookEvent("2.0", { event: "installation", payload: created() });
    const started = Date.now();
    const result = await warm(down.event, lambdaContext("github-connect-webhooks"));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).error).toMatch(/database is unavailable/);
    expect(Date.now() - started).toBeLessThan(9_000);

    // A container started while the database is down: no connection to reuse.
    const restoreCold = setEnv({ MONGODB_URI: withDatabaseName(mongo.uri, "lambda_outage") });
    try {
      const cold = await bundles.handler("webhooks", "outage-cold");
      const coldStarted = Date.now();
      const coldResult = await cold(down.event, lambdaContext("github-connect-webhooks"));
      expect(coldResult.statusCode).toBe(503);
      expect(Date.now() - coldStarted).toBeLessThan(9_000);
      // A forged request during the outage is still refused as such, without waiting on the database.
      const forged = await webhookEvent("1.0", { event: "installation", payload: created(), secret: "forged" });
      expect((await cold(forged.event, lambdaContext("github-connect-webhooks"))).statusCode).toBe(400);
    } finally {
      restoreCold();
    }
  }, 60_000);
});
