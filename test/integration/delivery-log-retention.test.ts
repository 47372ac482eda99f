import { afterAll, describe, expect, inject, test, vi } from "vitest";
import { disconnectAll } from "../../src/db/connect.js";
import { createModels } from "../../src/models/index.js";
import { DELIVERY_RETENTION_MS } from "../../src/models/webhook-delivery.js";
import { startServer } from "../../src/server.js";
import { pruneDeliveryLog, pruneDeliveryLogOrWarn } from "../../src/webhooks/delivery-log-retention.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../helpers/database.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";
import { useTestModels } from "../helpers/use-test-server.js";

const db = useTestModels();
const NOW = new Date("2026-11-24T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const delivery = (deliveryId: string, receivedAt: Date) => ({
  deliveryId,
  event: "installation",
  action: "created",
  status: "processed",
  receivedAt,
});
const remainingIds = async () =>
  (await db.models.WebhookDelivery.find({}, { deliveryId: 1 }).sort({ deliveryId: 1 }).lean()).map((d) => d.deliveryId);

describe("the webhook delivery log is kept 30 days", () => {
  test("pruneDeliveryLog deletes deliveries last received more than 30 days ago and keeps the rest", async () => {
    await db.models.WebhookDelivery.deleteMany({});
    await db.models.WebhookDelivery.create([
      delivery("a-400-days", daysAgo(400)),
      delivery("b-31-days", daysAgo(31)),
      delivery("c-30-days-and-a-second", new Date(NOW.getTime() - DELIVERY_RETENTION_MS - 1000)),
      delivery("d-exactly-30-days", daysAgo(30)),
      delivery("e-29-days", daysAgo(29)),
      delivery("f-now", NOW),
    ]);
    expect(await pruneDeliveryLog(db.models, NOW)).toBe(3);
    expect(await remainingIds()).toEqual(["d-exactly-30-days", "e-29-days", "f-now"]);
    // Nothing left to do the second time.
    expect(await pruneDeliveryLog(db.models, NOW)).toBe(0);
  });

  test("the bodies remembered against replays are kept as long, and pruned with the deliveries", async () => {
    await db.models.WebhookDelivery.deleteMany({});
    await db.models.WebhookBody.deleteMany({});
    await db.models.WebhookBody.create([
      { digest: "a".repeat(64), deliveryId: "old", receivedAt: daysAgo(31) },
      { digest: "b".repeat(64), deliveryId: "kept", receivedAt: daysAgo(29) },
    ]);
    expect(await pruneDeliveryLog(db.models, NOW)).toBe(1);
    expect((await db.models.WebhookBody.find().lean()).map((b) => b.deliveryId)).toEqual(["kept"]);
    const index = (await db.models.WebhookBody.collection.indexes()).find((i) => i.name === "receivedAt_1");
    expect(index?.key).toEqual({ receivedAt: 1 });
  });

  test("the retention can be given", async () => {
    await db.models.WebhookDelivery.deleteMany({});
    await db.models.WebhookBody.deleteMany({});
    await db.models.WebhookDelivery.create([delivery("old", daysAgo(8)), delivery("new", daysAgo(6))]);
    expect(await pruneDeliveryLog(db.models, NOW, 7 * DAY)).toBe(1);
    expect(await remainingIds()).toEqual(["new"]);
  });

  test("receivedAt is indexed: with a 30-day TTL where the database has TTL indexes (MongoDB), plain where it refuses them (FerretDB 1.x)", async () => {
    const info = await db.models.WebhookDelivery.db.db!.admin().command({ buildInfo: 1 });
    const index = (await db.models.WebhookDelivery.collection.indexes()).find((i) => i.name === "receivedAt_1");
    expect(index?.key).toEqual({ receivedAt: 1 });
    if (typeof info.ferretdbVersion === "string") expect(index?.expireAfterSeconds).toBeUndefined();
    else expect(index?.expireAfterSeconds).toBe(30 * 24 * 60 * 60);
  });
});

describe("the event log is kept 30 days too", () => {
  const event = (eventId: string, timestamp: Date, seq: number) => ({
    eventId,
    type: "connection.suspended",
    timestamp,
    organizationId: "org_a",
    seq,
    data: { installationId: 1, accountLogin: "acme-corp", accountType: "Organization" },
  });

  test("the delivery log's prune deletes events older than 30 days and keeps the rest", async () => {
    await db.models.Event.deleteMany({});
    await db.models.Event.create([
      event(`evt_${"1".repeat(32)}`, daysAgo(31), 1),
      event(`evt_${"2".repeat(32)}`, daysAgo(29), 2),
    ]);
    const logger = captureLogger();
    await pruneDeliveryLogOrWarn(db.models, NOW, logger.log, "goes on");
    expect((await db.models.Event.find({}).lean()).map((e) => e.seq)).toEqual([2]);
  });

  test("timestamp is indexed: a 30-day TTL on MongoDB, plain on FerretDB 1.x", async () => {
    const info = await db.models.Event.db.db!.admin().command({ buildInfo: 1 });
    const index = (await db.models.Event.collection.indexes()).find((i) => i.name === "timestamp_1");
    expect(index?.key).toEqual({ timestamp: 1 });
    if (typeof info.ferretdbVersion === "string") expect(index?.expireAfterSeconds).toBeUndefined();
    else expect(index?.expireAfterSeconds).toBe(30 * 24 * 60 * 60);
  });
});

describe("start-up prunes the delivery log once", () => {
  const dbName = testDatabaseName("startup");
  afterAll(async () => {
    await dropAndClose(await connectTestDatabase("startup"));
  });

  test("the Node server deletes expired deliveries when it opens the database", async () => {
    const seed = await connectTestDatabase("startup");
    const now = Date.now();
    await createModels(seed).WebhookDelivery.create([
      delivery("expired", new Date(now - 31 * DAY)),
      delivery("recent", new Date(now - DAY)),
    ]);
    await seed.close();

    const logs = captureLogger();
    const server = await startServer({
      config: testConfig({ PORT: "0" }),
      log: logs.log,
      mongodbUri: withDatabaseName(inject("mongoUri"), dbName),
      host: "127.0.0.1",
    });
    try {
      const left = await createModels(server.connection).WebhookDelivery.find().lean();
      expect(left.map((d) => d.deliveryId)).toEqual(["recent"]);
      expect(logs.lines.find((line) => line.msg === "delivery log pruned")).toMatchObject({ deleted: 1 });
    } finally {
      await server.close();
      await disconnectAll();
    }
  });
});

describe("a Node server that stays up prunes the delivery log on a schedule", () => {
  const dbName = testDatabaseName("schedule");
  afterAll(async () => {
    await dropAndClose(await connectTestDatabase("schedule"));
  });

  test("a delivery that expires after start-up is deleted without a restart; a recent one is kept", async () => {
    let clock = NOW;
    const server = await startServer({
      config: testConfig({ PORT: "0" }),
      log: captureLogger().log,
      mongodbUri: withDatabaseName(inject("mongoUri"), dbName),
      host: "127.0.0.1",
      now: () => clock,
      // An hour in production; short here so the test waits for ticks, not hours.
      deliveryLogPruneIntervalMs: 20,
    });
    try {
      const { WebhookDelivery } = createModels(server.connection);
      await WebhookDelivery.create([delivery("expires-tomorrow", daysAgo(29)), delivery("recent", daysAgo(1))]);
      clock = new Date(NOW.getTime() + 2 * DAY);
      await vi.waitFor(
        async () => expect((await WebhookDelivery.find().lean()).map((d) => d.deliveryId)).toEqual(["recent"]),
        { timeout: 5_000, interval: 20 },
      );
    } finally {
      await server.close();
      await disconnectAll();
    }
  });
});
